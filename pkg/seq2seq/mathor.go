package seq2seq

// mathor's data: the vocabulary and the six word pairs of his character
// Seq2Seq ("Seq2Seq的PyTorch实现", https://wmathor.com/index.php/archives/1443/),
// which notebook 03 trains on (its model and loop are written in the
// notebook) and notebook 06 reuses.

// The special symbols of mathor's vocabulary.
const (
	// Start ('S') is the decoder's first input.
	Start = 'S'
	// End ('E') ends a sequence: appended to the encoder's input and the decoder's target.
	End = 'E'
	// Pad ('?') pads a word to MathorNStep characters.
	Pad = '?'
)

// MathorChars is the vocabulary of mathor's Seq2Seq, letter in his code: the
// three symbols Start, End and Pad, then the 26 lowercase letters (29
// classes; class i is MathorChars[i]).
const MathorChars = "SE?abcdefghijklmnopqrstuvwxyz"

// MathorNStep is mathor's n_step, the longest word of MathorPairs: every word
// is padded with Pad to MathorNStep characters.
const MathorNStep = 5

// MathorPairs are mathor's six training pairs, seq_data in his code.
var MathorPairs = []Pair{
	{"man", "women"}, {"black", "white"}, {"king", "queen"},
	{"girl", "boy"}, {"up", "down"}, {"high", "low"},
}
