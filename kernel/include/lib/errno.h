/*
 * Dormer's one internal error vocabulary. Kernel functions return 0 (or a
 * non-negative result) on success and one of these negative codes on failure.
 * The values follow the classic Unix numbers so they are easy to recognise in
 * a log; they are mapped to user-visible status codes in exactly one place.
 */
#ifndef LIB_ERRNO_H
#define LIB_ERRNO_H

#define K_EPERM     (-1)   /* operation not permitted to this caller */
#define K_ENOENT    (-2)   /* no such file, object or entry */
#define K_EIO       (-5)   /* device or transfer error */
#define K_ENOEXEC   (-8)   /* not a valid executable image */
#define K_EBADF     (-9)   /* bad handle or descriptor */
#define K_EAGAIN    (-11)  /* not now, or not this way: try again (another way) */
#define K_ENOMEM    (-12)  /* out of memory (frames, heap or address space) */
#define K_EFAULT    (-14)  /* bad address, e.g. an unmapped user pointer */
#define K_EBUSY     (-16)  /* resource is in use */
#define K_EEXIST    (-17)  /* object already exists */
#define K_EINTR     (-4)   /* interrupted: the thread is being killed */
#define K_EISDIR    (-21)  /* a directory where a file was needed */
#define K_EINVAL    (-22)  /* invalid argument or malformed input */
#define K_ENOSPC    (-28)  /* no space left in a table, buffer or device */
#define K_EROFS     (-30)  /* the device or volume is read-only */
#define K_EPIPE     (-32)  /* the other end of a pipe is closed */
#define K_ERANGE    (-34)  /* value out of the representable range */
#define K_ENOSYS    (-38)  /* not implemented / unknown system call */
#define K_ENOTEMPTY (-39)  /* directory not empty */
#define K_ETIMEDOUT (-110) /* operation timed out */
/* File-system codes (no Unix equivalent: Windows tells these cases apart). */
#define K_EACCES    (-13)  /* access denied: read-only file, missing access right */
#define K_EXDEV     (-18)  /* not the same volume (rename across drives) */
#define K_ENOTDIR   (-20)  /* a file where a directory was needed */
#define K_ENOPATH   (-200) /* a directory on the way (or the drive) does not exist */
#define K_EBADNAME  (-201) /* a path or name breaks the naming rules */
#define K_ESYNTAX   (-202) /* a path form Dormer does not understand (UNC, devices) */
#define K_ECOLLIDE  (-203) /* the name already exists in that directory */
#define K_ESHARE    (-204) /* another open of the file does not share that access */
#define K_EDELPEND  (-205) /* the file is being deleted (its last handle is awaited) */
#define K_ENODEL    (-206) /* this file cannot be deleted (read-only, the root) */
#define K_EEOF      (-207) /* a read at an explicit offset at or past the end of file */
#define K_EFULL     (-208) /* the volume has no room left (a full disk) */
#define K_ECORRUPT  (-209) /* the volume's structures are damaged (a bad chain or entry) */
#define K_ENODLL    (-210) /* an image needs a DLL that is not there */
/* Object codes. */
#define K_ETYPE     (-213) /* an object of another type than the call works on */

/* Network codes (Unix numbers where Unix has one). */
#define K_EMSGSIZE     (-90)  /* a datagram too long (to send, or cut short on receipt) */
#define K_EADDRINUSE   (-98)  /* the local address and port are taken */
#define K_EADDRNOTAVAIL (-99) /* no interface holds that local address */
#define K_ENETUNREACH  (-101) /* no route to that network */
#define K_ECONNABORTED (-103) /* the connection was aborted on this side */
#define K_ECONNRESET   (-104) /* the peer reset the connection */
#define K_EISCONN      (-106) /* already connected */
#define K_ENOTCONN     (-107) /* not connected (or shut down that way) */
#define K_ECONNREFUSED (-111) /* nobody listens there */
#define K_EHOSTUNREACH (-113) /* no route to that host */
#define K_EWOULDBLOCK  (-211) /* a non-blocking socket call would have to wait */
#define K_ENETTIMEDOUT (-212) /* a network wait ran out (a socket's timeout, a connect) */

#endif /* LIB_ERRNO_H */
