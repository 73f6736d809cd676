package nb

import (
	"os"
	"syscall"
	"unsafe"
)

// unreadStdout returns how many bytes written to standard output its reader
// has not read yet (ioctl FIONREAD, which Linux answers for pipes); ok is
// false where standard output cannot be queried (a file, a terminal).
func unreadStdout() (n int, ok bool) {
	var count int32
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, os.Stdout.Fd(), syscall.TIOCINQ, uintptr(unsafe.Pointer(&count)))
	if errno != 0 {
		return 0, false
	}
	return int(count), true
}
