// Package seq2seq holds the tools around character sequence models built
// on pkg/rnn — what a model needs besides its layers:
//
//   - data: Vocab (characters ↔ class indices, one-hot rows), Pair, Layout
//     (sources and targets with start, end and padding symbols, as index
//     tensors and masks), and data sets: mathor's six word pairs
//     (MathorPairs), dates written in many layouts (Dates);
//   - training: Train(model, pairs, Config) trains any Model on GoMLX's
//     train.Trainer and train.Loop with PyTorch's settings (Adam, with
//     PyTorch's epsilon; CrossEntropy, PyTorch's CrossEntropyLoss), reports
//     every epoch (Config.OnEpoch) and stops with an error at a NaN loss;
//     EvalLoss, SaveCheckpoint and LoadCheckpoint;
//   - decoding: Search runs a StepModel (encoder + one decoder step) greedily
//     or with beam search (BeamSearch, BeamConfig) and returns Translations;
//   - scoring: BLEU, CharBLEU, WordBLEU, ScoreByLength, FieldAccuracy.
//
// The models themselves are not here: the notebooks write them in their
// cells (notebook 03's Seq2Seq, notebook 06's attention encoder–decoder).
// To train your own, implement Model (four methods) and call Train:
//
//	res, err := seq2seq.Train(model, []seq2seq.Pair{{Source: "hello", Target: "ohlol"}}, seq2seq.Config{
//		Epochs: 15, LearningRate: 0.05,
//		OnEpoch: func(e seq2seq.Epoch) { fmt.Println(e.Epoch, e.Loss) },
//	})
//
// Config's zero values are PyTorch's defaults: batch size 1, pairs in order,
// the mean cross-entropy over the batch (Config.Reduction). For a model you
// drive yourself, pkg/rnn's documentation shows GoMLX's train.Trainer with
// CrossEntropy and Adam.
//
// Layers are differentiated with pkg/rnn's hand-derived gradients unless the
// context says otherwise (rnn.ParamCustomGradient; Config.Autodiff sets it).
//
// Errors start with "seq2seq: ". Errors in what a user passes (an unknown
// character, an empty string, a word longer than the layout takes, a label
// outside the classes, a missing checkpoint) name what was expected and what
// was got.
package seq2seq
