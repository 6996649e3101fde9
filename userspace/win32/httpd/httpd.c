/*
 * httpd: a small HTTP/1.0 server on PORT that answers COUNT requests, then exits 0.
 * GET / is a short page; GET /bytes/N is N bytes of a known pattern (byte i is
 * i * 13 + (i >> 8), modulo 256), so a client can check every byte; anything else is
 * 404. Each response closes its connection. Stock Winsock.
 */
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int send_all(SOCKET s, const char *p, int n)
{
    while (n > 0) {
        int k = send(s, p, n, 0);
        if (k <= 0)
            return -1;
        p += k;
        n -= k;
    }
    return 0;
}

static void answer(SOCKET c, int number)
{
    char req[2048], head[256];
    static char body[16384];
    int got = 0;

    /* The request line and headers, up to the blank line. */
    while (got < (int)sizeof req - 1) {
        int n = recv(c, req + got, (int)sizeof req - 1 - got, 0);
        if (n <= 0)
            break;
        got += n;
        req[got] = 0;
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    req[got] = 0;
    char path[256] = "";
    if (sscanf(req, "GET %255s", path) != 1) {
        printf("httpd: request %d: not a GET\n", number);
        return;
    }
    long len = -1;
    if (strcmp(path, "/") == 0) {
        snprintf(body, sizeof body, "<html><body>Hello from Dormer's httpd, request %d"
                 "</body></html>\n", number);
        len = (long)strlen(body);
        snprintf(head, sizeof head, "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n"
                 "Content-Length: %ld\r\nConnection: close\r\n\r\n", len);
        send_all(c, head, (int)strlen(head));
        send_all(c, body, (int)len);
    } else if (strncmp(path, "/bytes/", 7) == 0 && (len = atol(path + 7)) >= 0) {
        snprintf(head, sizeof head, "HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream"
                 "\r\nContent-Length: %ld\r\nConnection: close\r\n\r\n", len);
        send_all(c, head, (int)strlen(head));
        for (long off = 0; off < len;) {
            int n = len - off < (long)sizeof body ? (int)(len - off) : (int)sizeof body;
            for (int i = 0; i < n; i++)
                body[i] = (char)((off + i) * 13 + ((off + i) >> 8));
            if (send_all(c, body, n) != 0)
                break;
            off += n;
        }
    } else {
        const char *nf = "HTTP/1.0 404 Not Found\r\nContent-Length: 10\r\n"
                         "Connection: close\r\n\r\nnot found\n";
        send_all(c, nf, (int)strlen(nf));
    }
    printf("httpd: request %d: GET %s, %ld bytes\n", number, path, len);
}

int main(int argc, char **argv)
{
    WSADATA wsa;
    struct sockaddr_in a = { 0 };

    if (argc != 3) {
        printf("usage: httpd PORT COUNT\n");
        return 1;
    }
    WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    int on = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, (const char *)&on, sizeof on);
    a.sin_family = AF_INET;
    a.sin_port = htons((u_short)atoi(argv[1]));
    if (bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 4) != 0) {
        printf("httpd: cannot listen: error %d\n", WSAGetLastError());
        return 1;
    }
    printf("httpd: listening on port %s\n", argv[1]);
    fflush(stdout);
    for (int i = 1; i <= atoi(argv[2]); i++) {
        SOCKET c = accept(l, NULL, NULL);
        if (c == INVALID_SOCKET) {
            printf("httpd: accept error %d\n", WSAGetLastError());
            return 1;
        }
        answer(c, i);
        fflush(stdout);
        shutdown(c, SD_SEND);
        closesocket(c);
    }
    closesocket(l);
    WSACleanup();
    return 0;
}
