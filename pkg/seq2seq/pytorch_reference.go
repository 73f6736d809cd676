package seq2seq

// Numbers quoted from runs of the original PyTorch code, which the notebooks
// print beside ours. They are not computed here: they come from
//
//	/usr/bin/python3 tools/pytorch/hello_ohlol.py --seeds 30
//
// run with PyTorch 1.13.1 (Debian's python3-torch), whose output is
// testdata/liuer-hello-ohlol-outputs.txt; TestLecture12PyTorchReachedIsQuoted
// checks them against that file, and internal/notebook02's
// TestHelloInitIsRealPyTorch against a fresh run where PyTorch is installed.

// Lecture12PyTorchReached counts, for each of Lecture12's variants, the runs
// among torch.manual_seed(0…29) that predict "ohlol" at epoch 15 in PyTorch.
var Lecture12PyTorchReached = [3]int{20, 19, 30}
