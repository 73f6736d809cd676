package theory

import (
	"fmt"
)

// Summary is the chapter in four points, in Chinese then English, as a
// text/template for nb.Prose filled in by (*Results).SummaryData: notebook
// 05's closing cell and notebook 04's section 6 print it, so that every
// number in it comes from the saved results, none typed.
const Summary = `**【中文】**

1. BPTT 就是误差项 δ 沿时间的递推: 每退一步乘一次 diag(f′(z))·Uᵀ。 按这个递推用纯 Go 手算的 {{.Steps}} 步梯度, 与 pkg/rnn 相差 {{fmt "%.1g" .DiffLib}}, 与 PyTorch 的 autograd 相差 {{fmt "%.1g" .DiffTorch}} (都在 1e-10 以内)。
2. 同一条链 ∂h_t/∂h_0 决定了长程依赖: 第 1 题的 SRN 上, {{.Steps}} 步之后它的谱范数只剩 {{fmt "%.2g" .JT}}。 无激活时它就是 U 的 T 次幂: 谱半径 0.5、1、1.5 时, T = 50 的范数分别为 {{fmt "%.1g" .N05}}、{{fmt "%.2g" .N1}}、{{fmt "%.1g" .N15}} —— 消失、保持、爆炸; 加上 tanh (导数 ≤ 1, 饱和时接近 0) 后是 {{fmt "%.1g" .T05}}、{{fmt "%.1g" .T1}}、{{fmt "%.1g" .T15}}, 全部衰减。
3. 记忆能力 (数字求和, 19 类, 随机猜测 {{fmt "%.3f" .Chance}}): SRN 的测试准确率从 K = {{.First}} 的 {{fmt "%.3f" .SRNFirst}} 降到 K = {{.Last}} 的 {{fmt "%.3f" .SRNLast}}; 同样的数据与训练, LSTM 与 GRU 在 K = {{.Last}} 仍有 {{fmt "%.3f" .LSTMLast}} 与 {{fmt "%.3f" .GRULast}}。 门控把状态的更新变成加法, 门接近 1 时梯度沿细胞状态几乎不衰减地传回去。
4. 梯度爆炸与截断: 谱半径 {{.Radius}} 的 ReLU SRN 用 SGD 训练, 不截断时梯度范数达到 {{fmt "%.3g" .Peak}}, 第 {{.Diverged}} 步损失变成 NaN; 截断到 {{.MaxNorm}} 之后, 实际使用的梯度范数最大 {{fmt "%.4f" .Applied}}, {{.ClipSteps}} 步中有 {{.Clipped}} 步被截断, 损失始终有限, 前 20 步平均 {{fmt "%.2f" .FirstLoss}}, 最后 20 步平均 {{fmt "%.2f" .LastLoss}}。 截断治爆炸, 不治消失; 消失要靠门控。

**【English】**

1. BPTT is the recursion of the error terms δ back through time, one multiplication by diag(f′(z))·Uᵀ per step. Computed that way by hand in plain Go, the gradients of {{.Steps}} steps differ from pkg/rnn's by {{fmt "%.1g" .DiffLib}} and from PyTorch's autograd by {{fmt "%.1g" .DiffTorch}} (both within 1e-10).
2. The same chain ∂h_t/∂h_0 governs long-range dependence: on section 1's SRN its spectral norm is down to {{fmt "%.2g" .JT}} after {{.Steps}} steps. Without activation it is the T-th power of U: for spectral radii 0.5, 1 and 1.5 its norm at T = 50 is {{fmt "%.1g" .N05}}, {{fmt "%.2g" .N1}} and {{fmt "%.1g" .N15}} — vanishing, staying, exploding; with tanh (derivative ≤ 1, near 0 when saturated) {{fmt "%.1g" .T05}}, {{fmt "%.1g" .T1}} and {{fmt "%.1g" .T15}}, all decaying.
3. Memory (digit sum, 19 classes, chance {{fmt "%.3f" .Chance}}): the SRN's test accuracy falls from {{fmt "%.3f" .SRNFirst}} at K = {{.First}} to {{fmt "%.3f" .SRNLast}} at K = {{.Last}}; with the same data and training, the LSTM and the GRU still reach {{fmt "%.3f" .LSTMLast}} and {{fmt "%.3f" .GRULast}} at K = {{.Last}}. Gates make the state update additive, and with a gate near 1 the gradient flows back along the cell state almost undiminished.
4. Explosion and clipping: a ReLU SRN with spectral radius {{.Radius}} trained by SGD reaches a gradient norm of {{fmt "%.3g" .Peak}} without clipping, and its loss is NaN at step {{.Diverged}}; clipped to {{.MaxNorm}}, the largest norm applied is {{fmt "%.4f" .Applied}}, {{.Clipped}} of {{.ClipSteps}} steps are clipped, every loss stays finite, and the mean loss goes from {{fmt "%.2f" .FirstLoss}} (first 20 steps) to {{fmt "%.2f" .LastLoss}} (last 20). Clipping cures explosion, not vanishing; that takes gates.
`

// SummaryData returns the values Summary names ({{.Steps}}, {{.SRNLast}} …),
// taken from r. It fails if a section's results are missing (its cell has
// not run) or incomplete.
func (r *Results) SummaryData() (map[string]any, error) {
	b, m, c := r.BPTT, r.Memory, r.Clipping
	switch {
	case b == nil || len(b.JacobianNorms) == 0:
		return nil, fmt.Errorf("theory: no BPTT results (section 1 has not run)")
	case len(r.Flow) == 0:
		return nil, fmt.Errorf("theory: no gradient-flow results (section 2 has not run)")
	case m == nil || m.Result == nil || len(m.Result.Ks) == 0:
		return nil, fmt.Errorf("theory: no memory results (section 3 has not run)")
	case c == nil:
		return nil, fmt.Errorf("theory: no clipping results (section 4 has not run)")
	}
	first, last := m.Result.Ks[0], m.Result.Ks[len(m.Result.Ks)-1]
	acc := func(kind Kind, k int) (float64, error) {
		a, ok := m.Result.At(kind, k)
		if !ok {
			return 0, fmt.Errorf("theory: no %v accuracy at K = %d", kind, k)
		}
		return a, nil
	}
	at50 := map[string]float64{}
	for _, cv := range r.Flow {
		if len(cv.Norms) == 0 {
			return nil, fmt.Errorf("theory: the gradient-flow curve for radius %g (%s) is empty", cv.Radius, cv.Activation)
		}
		at50[fmt.Sprintf("%g %s", cv.Radius, cv.Activation)] = cv.Norms[len(cv.Norms)-1]
	}
	data := map[string]any{
		"Steps": b.Steps, "DiffLib": b.MaxDiffLibrary, "DiffTorch": b.MaxDiffPyTorch, "JT": b.JacobianNorms[len(b.JacobianNorms)-1],
		"Chance": m.Chance, "First": first, "Last": last,
		"Radius": c.Config.Radius, "Peak": c.PeakGradNorm, "Diverged": c.DivergedAt, "MaxNorm": c.Config.MaxNorm, "Applied": c.MaxApplied,
		"ClipSteps": c.Config.Steps, "Clipped": c.ClippedSteps, "FirstLoss": c.FirstLoss, "LastLoss": c.LastLoss,
	}
	for key, curve := range map[string]string{"N05": "0.5 none", "N1": "1 none", "N15": "1.5 none", "T05": "0.5 tanh", "T1": "1 tanh", "T15": "1.5 tanh"} {
		v, ok := at50[curve]
		if !ok {
			return nil, fmt.Errorf("theory: no gradient-flow curve for radius/activation %q", curve)
		}
		data[key] = v
	}
	for key, q := range map[string]struct {
		kind Kind
		k    int
	}{"SRNFirst": {SRN, first}, "SRNLast": {SRN, last}, "LSTMLast": {LSTM, last}, "GRULast": {GRU, last}} {
		a, err := acc(q.kind, q.k)
		if err != nil {
			return nil, err
		}
		data[key] = a
	}
	return data, nil
}
