/*
 * httpget: fetches http://HOST[:PORT]/PATH with HTTP/1.0 and prints the status line, the
 * body's length and its FNV-1a hash (the body itself with -v). The body ends at
 * Content-Length, or at the end of the stream without one. Stock Winsock. Exit 0 on
 * a 2xx answer, 1 on a network error, 2 on any other status.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    WSADATA wsa;
    struct addrinfo hints = { 0 }, *ai;
    char host[256], port[8] = "80", req[512];
    static char buf[16384];
    int verbose = argc == 3 && strcmp(argv[1], "-v") == 0;
    const char *url = argv[argc - 1];

    if ((argc != 2 && !verbose) || strncmp(url, "http://", 7) != 0) {
        printf("usage: httpget [-v] http://HOST[:PORT]/PATH\n");
        return 1;
    }
    const char *h = url + 7, *slash = strchr(h, '/');
    const char *path = slash ? slash : "/";
    size_t hl = slash ? (size_t)(slash - h) : strlen(h);
    if (hl == 0 || hl >= sizeof host) {
        printf("httpget: bad host in %s\n", url);
        return 1;
    }
    memcpy(host, h, hl);
    host[hl] = 0;
    char *colon = strchr(host, ':');
    if (colon) {
        *colon = 0;
        snprintf(port, sizeof port, "%s", colon + 1);
    }
    WSAStartup(MAKEWORD(2, 2), &wsa);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int e = getaddrinfo(host, port, &hints, &ai);
    if (e) {
        printf("httpget: %s: getaddrinfo error %d\n", host, e);
        return 1;
    }
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, ai->ai_addr, (int)ai->ai_addrlen) != 0) {
        printf("httpget: connect error %d\n", WSAGetLastError());
        return 1;
    }
    freeaddrinfo(ai);
    snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: httpget\r\n\r\n",
             path, host);
    send(s, req, (int)strlen(req), 0);
    /* Headers, up to the blank line. */
    int got = 0;
    char *end = NULL;
    while (!end && got < (int)sizeof buf - 1) {
        int n = recv(s, buf + got, (int)sizeof buf - 1 - got, 0);
        if (n <= 0) {
            printf("httpget: no complete answer: error %d\n", n ? WSAGetLastError() : 0);
            return 1;
        }
        got += n;
        buf[got] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    if (!end) {
        printf("httpget: headers too long\n");
        return 1;
    }
    *end = 0;
    char *line_end = strstr(buf, "\r\n");
    if (line_end)
        *line_end = 0;
    printf("httpget: %s\n", buf);
    int status = 0;
    sscanf(buf, "HTTP/%*d.%*d %d", &status);
    long want = -1;
    for (char *p = line_end ? line_end + 2 : end; p && p < end; p = strstr(p, "\r\n") ? strstr(p, "\r\n") + 2 : NULL) {
        if (_strnicmp(p, "Content-Length:", 15) == 0)
            want = atol(p + 15);
    }
    unsigned hash = 2166136261u;
    long body = 0;
    char *rest = end + 4;
    int have = got - (int)(rest - buf);
    for (;;) {
        for (int i = 0; i < have && (want < 0 || body < want); i++, body++) {
            hash = (hash ^ (unsigned char)rest[i]) * 16777619u;
            if (verbose)
                putchar(rest[i]);
        }
        if (want >= 0 && body >= want)
            break;
        have = recv(s, buf, sizeof buf, 0);
        if (have < 0) {
            printf("httpget: recv error %d after %ld bytes\n", WSAGetLastError(), body);
            return 1;
        }
        if (have == 0) {
            if (want >= 0) {
                printf("httpget: end of stream after %ld of %ld bytes\n", body, want);
                return 1;
            }
            break;
        }
        rest = buf;
    }
    printf("httpget: %ld bytes, fnv1a %08x\n", body, hash);
    closesocket(s);
    WSACleanup();
    return status >= 200 && status < 300 ? 0 : 2;
}
