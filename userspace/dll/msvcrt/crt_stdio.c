/*
 * Streams: msvcrt's FILE (48 bytes, _iob[] for the first 20, then heap blocks with their
 * lock right after the FILE), buffered over the descriptors of crt_lowio.c. stdout is
 * flushed at each newline when it is a console and stderr is unbuffered, so output
 * reaches the screen when Windows shows it; to files and pipes both are buffered.
 */
#include "crt.h"

#define CRT_BUFSIZ 4096
#define STREAM_MAX 512

static FILE iob[CRT_IOB_ENTRIES];
static FILE *streams[STREAM_MAX]; /* every open stream; [0..19] are &iob[i] when open */

FILE *__cdecl __iob_func(void)
{
    return iob;
}

FILE *__cdecl __acrt_iob_func(unsigned index)
{
    return &iob[index];
}

static int iob_index(FILE *f)
{
    return f >= iob && f < iob + CRT_IOB_ENTRIES ? (int)(f - iob) : -1;
}

void crt_lock_stream(FILE *f)
{
    int i = iob_index(f);

    if (i >= 0)
        _lock(CRT_STREAM_LOCKS + i);
    else
        EnterCriticalSection(&((struct crt_filex *)f)->lock);
}

void crt_unlock_stream(FILE *f)
{
    int i = iob_index(f);

    if (i >= 0)
        _unlock(CRT_STREAM_LOCKS + i);
    else
        LeaveCriticalSection(&((struct crt_filex *)f)->lock);
}

void __cdecl _lock_file(FILE *f)
{
    crt_lock_stream(f);
}

void __cdecl _unlock_file(FILE *f)
{
    crt_unlock_stream(f);
}

void crt_stdio_init(void)
{
    crt_lowio_init();
    for (int i = 0; i < 3; i++) {
        iob[i]._file = i;
        iob[i]._flag = i == 0 ? CRT_IOREAD : CRT_IOWRT;
        streams[i] = &iob[i];
    }
    if (_isatty(1))
        iob[1]._flag |= CRT_IOLBF;
    iob[2]._flag |= CRT_IONBF;
}

/* ------------------------------------------------------------- buffering ---- */

static int get_buffer(FILE *f)
{
    if (f->_base || (f->_flag & CRT_IONBF))
        return 0;
    f->_base = HeapAlloc(GetProcessHeap(), 0, CRT_BUFSIZ);
    if (!f->_base) {
        f->_flag |= CRT_IONBF;
        return 0;
    }
    f->_flag |= CRT_IOMYBUF;
    f->_bufsiz = CRT_BUFSIZ;
    f->_ptr = f->_base;
    f->_cnt = 0;
    return 0;
}

/* Writes out what the stream holds for writing. Stream locked. */
static int flush_locked(FILE *f)
{
    int ret = 0;

    if ((f->_flag & CRT_IOWRT) && f->_base && f->_ptr > f->_base) {
        int n = (int)(f->_ptr - f->_base);
        if (_write(f->_file, f->_base, (unsigned)n) != n) {
            f->_flag |= CRT_IOERR;
            ret = EOF;
        }
        f->_ptr = f->_base;
        f->_cnt = 0;
    } else if ((f->_flag & CRT_IOREAD) && (f->_flag & CRT_IORW)) {
        /* An update stream leaves read mode: the unread bytes are given back. */
        if (f->_cnt > 0)
            _lseeki64(f->_file, -(__int64)f->_cnt, SEEK_CUR);
        f->_cnt = 0;
        f->_ptr = f->_base;
    }
    if (f->_flag & CRT_IORW)
        f->_flag &= ~(CRT_IOREAD | CRT_IOWRT);
    return ret;
}

/* Ready to write? For update streams this switches modes. */
static int writable_locked(FILE *f)
{
    if (f->_flag & CRT_IOWRT)
        return 1;
    if (!(f->_flag & CRT_IORW) || (f->_flag & CRT_IOSTRG)) {
        f->_flag |= CRT_IOERR;
        errno = EBADF;
        return 0;
    }
    if (f->_flag & CRT_IOREAD)
        flush_locked(f);
    f->_flag |= CRT_IOWRT;
    f->_flag &= ~CRT_IOEOF;
    f->_ptr = f->_base;
    f->_cnt = 0;
    return 1;
}

static int readable_locked(FILE *f)
{
    if (f->_flag & CRT_IOREAD)
        return 1;
    if (!(f->_flag & CRT_IORW)) {
        f->_flag |= CRT_IOERR;
        errno = EBADF;
        return 0;
    }
    if (f->_flag & CRT_IOWRT)
        flush_locked(f);
    f->_flag |= CRT_IOREAD;
    return 1;
}

static int putc_locked(int c, FILE *f)
{
    unsigned char ch = (unsigned char)c;

    if (!writable_locked(f))
        return EOF;
    get_buffer(f);
    if (f->_flag & CRT_IONBF) {
        if (_write(f->_file, &ch, 1) != 1) {
            f->_flag |= CRT_IOERR;
            return EOF;
        }
        return ch;
    }
    *f->_ptr++ = (char)ch;
    if (f->_ptr - f->_base >= f->_bufsiz || (ch == '\n' && (f->_flag & CRT_IOLBF)))
        if (flush_locked(f) == EOF)
            return EOF;
    if (f->_flag & CRT_IORW)
        f->_flag |= CRT_IOWRT;
    return ch;
}

/* Fills the buffer; returns the next byte or EOF. Stream locked. */
static int fill_locked(FILE *f)
{
    if (!readable_locked(f))
        return EOF;
    if (f == &iob[0] || f->_file == 0)
        fflush(&iob[1]); /* a prompt shows before the read, as msvcrt does */
    get_buffer(f);
    if (f->_flag & CRT_IONBF) {
        unsigned char ch;
        int n = _read(f->_file, &ch, 1);
        if (n <= 0) {
            f->_flag |= n == 0 ? CRT_IOEOF : CRT_IOERR;
            return EOF;
        }
        return ch;
    }
    int n = _read(f->_file, f->_base, (unsigned)f->_bufsiz);
    if (n <= 0) {
        f->_flag |= n == 0 ? CRT_IOEOF : CRT_IOERR;
        f->_cnt = 0;
        return EOF;
    }
    f->_ptr = f->_base;
    f->_cnt = n;
    f->_cnt--;
    return (unsigned char)*f->_ptr++;
}

static int getc_locked(FILE *f)
{
    if ((f->_flag & CRT_IOREAD) && f->_cnt > 0) {
        f->_cnt--;
        return (unsigned char)*f->_ptr++;
    }
    return fill_locked(f);
}

/* ------------------------------------------------------------ open/close ---- */

static FILE *stream_alloc(void)
{
    FILE *f = NULL;

    _lock(CRT_LOCK_IOB);
    for (int i = 3; i < STREAM_MAX; i++) {
        if (streams[i])
            continue;
        if (i < CRT_IOB_ENTRIES) {
            f = &iob[i];
        } else {
            struct crt_filex *x = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof *x);
            if (!x)
                break;
            InitializeCriticalSection(&x->lock);
            f = &x->f;
        }
        memset(f, 0, sizeof *f);
        streams[i] = f;
        break;
    }
    _unlock(CRT_LOCK_IOB);
    if (!f)
        errno = EMFILE;
    return f;
}

static void stream_release(FILE *f)
{
    _lock(CRT_LOCK_IOB);
    for (int i = 0; i < STREAM_MAX; i++) {
        if (streams[i] == f) {
            streams[i] = NULL;
            break;
        }
    }
    _unlock(CRT_LOCK_IOB);
    if (iob_index(f) < 0) {
        DeleteCriticalSection(&((struct crt_filex *)f)->lock);
        HeapFree(GetProcessHeap(), 0, f);
    } else {
        memset(f, 0, sizeof *f);
    }
}

/* Mode string -> _O_ flags and stream flags; 0 on a bad mode. */
static int parse_mode(const char *mode, int *oflags, int *sflags)
{
    switch (*mode++) {
    case 'r':
        *oflags = _O_RDONLY;
        *sflags = CRT_IOREAD;
        break;
    case 'w':
        *oflags = _O_WRONLY | _O_CREAT | _O_TRUNC;
        *sflags = CRT_IOWRT;
        break;
    case 'a':
        *oflags = _O_WRONLY | _O_CREAT | _O_APPEND;
        *sflags = CRT_IOWRT;
        break;
    default:
        return 0;
    }
    for (; *mode; mode++) {
        switch (*mode) {
        case '+':
            *oflags = (*oflags & ~(_O_RDONLY | _O_WRONLY)) | _O_RDWR;
            *sflags = CRT_IORW;
            break;
        case 'b':
            *oflags |= _O_BINARY;
            break;
        case 't':
            *oflags |= _O_TEXT;
            break;
        case 'x':
            *oflags |= _O_EXCL;
            break;
        case 'D':
            *oflags |= _O_TEMPORARY;
            break;
        case 'c': case 'n': case 'S': case 'R': case 'T': case 'N': case ' ': case ',':
            break;
        default:
            return 0;
        }
    }
    return 1;
}

static FILE *open_fd_stream(int fd, int sflags)
{
    FILE *f = stream_alloc();

    if (!f) {
        _close(fd);
        return NULL;
    }
    f->_file = fd;
    f->_flag = sflags;
    return f;
}

FILE *__cdecl _wfopen(const wchar_t *path, const wchar_t *mode)
{
    char m[16];
    int oflags, sflags, i = 0;

    for (; mode[i] && i < 15; i++)
        m[i] = (char)mode[i];
    m[i] = 0;
    if (!path || !parse_mode(m, &oflags, &sflags)) {
        errno = EINVAL;
        return NULL;
    }
    int fd = _wopen(path, oflags, _S_IREAD | _S_IWRITE);
    return fd < 0 ? NULL : open_fd_stream(fd, sflags);
}

FILE *__cdecl fopen(const char *path, const char *mode)
{
    int oflags, sflags;

    if (!path || !mode || !parse_mode(mode, &oflags, &sflags)) {
        errno = EINVAL;
        return NULL;
    }
    int fd = _open(path, oflags, _S_IREAD | _S_IWRITE);
    return fd < 0 ? NULL : open_fd_stream(fd, sflags);
}

FILE *__cdecl _fdopen(int fd, const char *mode)
{
    int oflags, sflags;

    if (!parse_mode(mode, &oflags, &sflags) || crt_fd_handle(fd) == INVALID_HANDLE_VALUE)
        return NULL;
    FILE *f = stream_alloc();
    if (f) {
        f->_file = fd;
        f->_flag = sflags;
    }
    return f;
}

static int close_locked(FILE *f)
{
    int ret = flush_locked(f);

    if (f->_flag & CRT_IOMYBUF)
        HeapFree(GetProcessHeap(), 0, f->_base);
    f->_base = f->_ptr = NULL;
    f->_cnt = 0;
    if (_close(f->_file) != 0)
        ret = EOF;
    f->_flag = 0;
    return ret;
}

int __cdecl fclose(FILE *f)
{
    if (!f) {
        errno = EINVAL;
        return EOF;
    }
    crt_lock_stream(f);
    int ret = close_locked(f);
    crt_unlock_stream(f);
    stream_release(f);
    return ret;
}

FILE *__cdecl freopen(const char *path, const char *mode, FILE *f)
{
    int oflags, sflags;

    if (!parse_mode(mode, &oflags, &sflags)) {
        errno = EINVAL;
        return NULL;
    }
    crt_lock_stream(f);
    close_locked(f);
    int fd = _open(path, oflags, _S_IREAD | _S_IWRITE);
    if (fd >= 0) {
        /* the standard streams keep their descriptor numbers */
        int want = iob_index(f) >= 0 && iob_index(f) < 3 ? iob_index(f) : fd;
        if (want != fd) {
            _dup2(fd, want);
            _close(fd);
        }
        f->_file = want;
        f->_flag = sflags;
    }
    crt_unlock_stream(f);
    if (fd < 0) {
        stream_release(f);
        return NULL;
    }
    return f;
}

int __cdecl fflush(FILE *f)
{
    if (!f)
        return crt_flush_all() >= 0 ? 0 : EOF;
    crt_lock_stream(f);
    int ret = flush_locked(f);
    crt_unlock_stream(f);
    return ret;
}

int crt_flush_all(void)
{
    int count = 0;

    for (int i = 0; i < STREAM_MAX; i++) {
        FILE *f = streams[i];
        if (f && (f->_flag & (CRT_IOREAD | CRT_IOWRT | CRT_IORW))) {
            count++;
            if (f->_flag & CRT_IOWRT)
                fflush(f);
        }
    }
    return count;
}

int __cdecl _flushall(void)
{
    return crt_flush_all();
}

int __cdecl _fcloseall(void)
{
    int n = 0;

    for (int i = 3; i < STREAM_MAX; i++) {
        if (streams[i]) {
            fclose(streams[i]);
            n++;
        }
    }
    return n;
}

/* --------------------------------------------------------------- bytes ---- */

int __cdecl fputc(int c, FILE *f)
{
    crt_lock_stream(f);
    int r = putc_locked(c, f);
    crt_unlock_stream(f);
    return r;
}

int __cdecl putc(int c, FILE *f)
{
    return fputc(c, f);
}

int __cdecl _fputchar(int c)
{
    return fputc(c, stdout);
}

int __cdecl putchar(int c)
{
    return fputc(c, stdout);
}

size_t __cdecl fwrite(const void *buf, size_t size, size_t count, FILE *f)
{
    const unsigned char *p = buf;
    size_t total = size * count, done = 0;

    if (size == 0 || count == 0)
        return 0;
    if (total / size != count) {
        errno = EINVAL;
        return 0;
    }
    crt_lock_stream(f);
    if (writable_locked(f)) {
        get_buffer(f);
        if ((f->_flag & CRT_IONBF) || total >= (size_t)f->_bufsiz) {
            /* Large or unbuffered: what is buffered first, then straight through. */
            if (flush_locked(f) == 0) {
                f->_flag |= (f->_flag & CRT_IORW) ? CRT_IOWRT : 0;
                int n = _write(f->_file, p, (unsigned)total);
                if (n >= 0)
                    done = (size_t)n;
                else
                    f->_flag |= CRT_IOERR;
            }
        } else {
            for (; done < total; done++)
                if (putc_locked(p[done], f) == EOF)
                    break;
        }
    }
    crt_unlock_stream(f);
    return done / size;
}

int __cdecl fputs(const char *s, FILE *f)
{
    size_t n = strlen(s);
    return fwrite(s, 1, n, f) == n ? 0 : EOF;
}

int __cdecl puts(const char *s)
{
    crt_lock_stream(stdout);
    int ret = 0;
    for (; *s && ret != EOF; s++)
        ret = putc_locked((unsigned char)*s, stdout);
    if (ret != EOF)
        ret = putc_locked('\n', stdout);
    crt_unlock_stream(stdout);
    return ret == EOF ? EOF : 0;
}

int __cdecl fgetc(FILE *f)
{
    crt_lock_stream(f);
    int c = getc_locked(f);
    crt_unlock_stream(f);
    return c;
}

int __cdecl getc(FILE *f)
{
    return fgetc(f);
}

int __cdecl getchar(void)
{
    return fgetc(stdin);
}

int __cdecl _fgetchar(void)
{
    return fgetc(stdin);
}

int __cdecl ungetc(int c, FILE *f)
{
    if (c == EOF)
        return EOF;
    crt_lock_stream(f);
    int ret = EOF;
    if (readable_locked(f)) {
        get_buffer(f);
        if (f->_base && f->_ptr > f->_base) {
            *--f->_ptr = (char)c;
            f->_cnt++;
            ret = (unsigned char)c;
        } else if (f->_base && f->_cnt == 0) {
            f->_ptr = f->_base;
            *f->_ptr = (char)c;
            f->_cnt = 1;
            ret = (unsigned char)c;
        }
        if (ret != EOF)
            f->_flag &= ~CRT_IOEOF;
    }
    crt_unlock_stream(f);
    return ret;
}

char *__cdecl fgets(char *buf, int n, FILE *f)
{
    int i = 0;

    if (n <= 0)
        return NULL;
    crt_lock_stream(f);
    while (i < n - 1) {
        int c = getc_locked(f);
        if (c == EOF)
            break;
        buf[i++] = (char)c;
        if (c == '\n')
            break;
    }
    crt_unlock_stream(f);
    if (i == 0)
        return NULL;
    buf[i] = 0;
    return buf;
}

size_t __cdecl fread(void *buf, size_t size, size_t count, FILE *f)
{
    unsigned char *p = buf;
    size_t total = size * count, done = 0;

    if (size == 0 || count == 0)
        return 0;
    if (total / size != count) {
        errno = EINVAL;
        return 0;
    }
    crt_lock_stream(f);
    while (done < total) {
        if ((f->_flag & CRT_IOREAD) && f->_cnt > 0) {
            size_t n = (size_t)f->_cnt < total - done ? (size_t)f->_cnt : total - done;
            memcpy(p + done, f->_ptr, n);
            f->_ptr += n;
            f->_cnt -= (int)n;
            done += n;
            continue;
        }
        int c = fill_locked(f);
        if (c == EOF)
            break;
        p[done++] = (unsigned char)c;
    }
    crt_unlock_stream(f);
    return done / size;
}

int __cdecl feof(FILE *f)
{
    return f->_flag & CRT_IOEOF;
}

int __cdecl ferror(FILE *f)
{
    return f->_flag & CRT_IOERR;
}

void __cdecl clearerr(FILE *f)
{
    crt_lock_stream(f);
    f->_flag &= ~(CRT_IOERR | CRT_IOEOF);
    crt_unlock_stream(f);
}

int __cdecl _fileno(FILE *f)
{
    return f->_file;
}

/* --------------------------------------------------------------- seeking ---- */

int __cdecl _fseeki64(FILE *f, __int64 offset, int origin)
{
    if (origin != SEEK_SET && origin != SEEK_CUR && origin != SEEK_END) {
        errno = EINVAL;
        return -1;
    }
    crt_lock_stream(f);
    if (origin == SEEK_CUR && (f->_flag & CRT_IOREAD))
        offset -= f->_cnt; /* the position the program sees is behind the buffer */
    if (f->_flag & CRT_IOWRT)
        flush_locked(f);
    f->_cnt = 0;
    f->_ptr = f->_base;
    if (f->_flag & CRT_IORW)
        f->_flag &= ~(CRT_IOREAD | CRT_IOWRT);
    f->_flag &= ~CRT_IOEOF;
    int ret = _lseeki64(f->_file, offset, origin) < 0 ? -1 : 0;
    crt_unlock_stream(f);
    return ret;
}

int __cdecl fseek(FILE *f, long offset, int origin)
{
    return _fseeki64(f, offset, origin);
}

__int64 __cdecl _ftelli64(FILE *f)
{
    crt_lock_stream(f);
    __int64 pos = _lseeki64(f->_file, 0, SEEK_CUR);
    if (pos >= 0) {
        if (f->_flag & CRT_IOREAD)
            pos -= f->_cnt;
        else if ((f->_flag & CRT_IOWRT) && f->_base)
            pos += f->_ptr - f->_base;
    }
    crt_unlock_stream(f);
    return pos;
}

long __cdecl ftell(FILE *f)
{
    __int64 pos = _ftelli64(f);
    return pos > 0x7fffffff ? -1 : (long)pos;
}

void __cdecl rewind(FILE *f)
{
    _fseeki64(f, 0, SEEK_SET);
    clearerr(f);
}

int __cdecl fgetpos(FILE *f, fpos_t *pos)
{
    *pos = _ftelli64(f);
    return *pos < 0 ? -1 : 0;
}

int __cdecl fsetpos(FILE *f, const fpos_t *pos)
{
    return _fseeki64(f, *pos, SEEK_SET);
}

int __cdecl setvbuf(FILE *f, char *buf, int mode, size_t size)
{
    if ((mode != _IOFBF && mode != _IOLBF && mode != _IONBF) ||
        (mode != _IONBF && (size < 2 || size > INT_MAX))) {
        errno = EINVAL;
        return -1;
    }
    crt_lock_stream(f);
    flush_locked(f);
    if (f->_flag & CRT_IOMYBUF)
        HeapFree(GetProcessHeap(), 0, f->_base);
    f->_flag &= ~(CRT_IOMYBUF | CRT_IONBF | CRT_IOLBF);
    f->_base = f->_ptr = NULL;
    f->_cnt = 0;
    if (mode == _IONBF) {
        f->_flag |= CRT_IONBF;
    } else if (buf) {
        f->_base = f->_ptr = buf;
        f->_bufsiz = (int)size;
    } else {
        f->_base = f->_ptr = HeapAlloc(GetProcessHeap(), 0, size);
        if (f->_base) {
            f->_flag |= CRT_IOMYBUF;
            f->_bufsiz = (int)size;
        } else {
            f->_flag |= CRT_IONBF;
        }
    }
    /* msvcrt treats _IOLBF as _IOFBF; Dormer keeps line buffering for consoles only */
    crt_unlock_stream(f);
    return 0;
}

void __cdecl setbuf(FILE *f, char *buf)
{
    setvbuf(f, buf, buf ? _IOFBF : _IONBF, BUFSIZ);
}

void __cdecl perror(const char *s)
{
    fflush(stdout);
    if (s && *s) {
        fputs(s, stderr);
        fputs(": ", stderr);
    }
    fputs(strerror(errno), stderr);
    fputc('\n', stderr);
}

/* -------------------------------------------------- wide characters ---- */

wint_t __cdecl fputwc(wchar_t c, FILE *f)
{
    char b;
    BOOL bad = FALSE;

    if (WideCharToMultiByte(CP_ACP, 0, &c, 1, &b, 1, NULL, &bad) != 1)
        return WEOF;
    return fputc((unsigned char)b, f) == EOF ? WEOF : c;
}

int __cdecl fputws(const wchar_t *s, FILE *f)
{
    for (; *s; s++)
        if (fputwc(*s, f) == WEOF)
            return EOF;
    return 0;
}

int __cdecl _putws(const wchar_t *s)
{
    if (fputws(s, stdout) == EOF)
        return EOF;
    return fputc('\n', stdout) == EOF ? EOF : 0;
}

wint_t __cdecl fgetwc(FILE *f)
{
    int c = fgetc(f);
    wchar_t w;

    if (c == EOF)
        return WEOF;
    char b = (char)c;
    MultiByteToWideChar(CP_ACP, 0, &b, 1, &w, 1);
    return w;
}

/* msvcrt exports these as functions, the same as fputwc and fgetwc (its headers make
 * them macros). */
#undef putwc
#undef getwc
wint_t __cdecl putwc(wchar_t c, FILE *f)
{
    return fputwc(c, f);
}

wint_t __cdecl getwc(FILE *f)
{
    return fgetwc(f);
}

wint_t __cdecl ungetwc(wint_t c, FILE *f)
{
    char b;

    if (c == WEOF)
        return WEOF;
    wchar_t w = (wchar_t)c;
    if (WideCharToMultiByte(CP_ACP, 0, &w, 1, &b, 1, NULL, NULL) != 1)
        return WEOF;
    return ungetc((unsigned char)b, f) == EOF ? WEOF : c;
}

wchar_t *__cdecl fgetws(wchar_t *buf, int n, FILE *f)
{
    int i = 0;

    if (n <= 0)
        return NULL;
    while (i < n - 1) {
        wint_t c = fgetwc(f);
        if (c == WEOF)
            break;
        buf[i++] = (wchar_t)c;
        if (c == L'\n')
            break;
    }
    if (i == 0)
        return NULL;
    buf[i] = 0;
    return buf;
}
