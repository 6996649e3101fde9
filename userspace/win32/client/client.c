/*
 * client: sends BYTES bytes of a known pattern to an echo server at HOST PORT and checks
 * every byte that comes back. Stock Winsock: x86_64-w64-mingw32-gcc client.c -o client.exe
 * -lws2_32. Exit 0 when all came back intact, 1 on a socket error, 2 on a mismatch.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>

#define CHUNK 8192

static unsigned char pattern(long i)
{
    return (unsigned char)(i * 7 + (i >> 11));
}

int main(int argc, char **argv)
{
    WSADATA wsa;
    struct addrinfo hints = { 0 }, *ai;
    static char out[CHUNK], in[CHUNK];

    if (argc != 4) {
        printf("usage: client HOST PORT BYTES\n");
        return 1;
    }
    long total = atol(argv[3]), sent = 0, got = 0;
    WSAStartup(MAKEWORD(2, 2), &wsa);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    int e = getaddrinfo(argv[1], argv[2], &hints, &ai);
    if (e) {
        printf("client: %s: getaddrinfo error %d\n", argv[1], e);
        return 1;
    }
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, ai->ai_addr, (int)ai->ai_addrlen) != 0) {
        printf("client: connect error %d\n", WSAGetLastError());
        return 1;
    }
    printf("client: connected to %s (%s) port %s\n", argv[1],
           inet_ntoa(((struct sockaddr_in *)ai->ai_addr)->sin_addr), argv[2]);
    freeaddrinfo(ai);
    while (got < total) {
        /* Keep at most one chunk in flight, so neither side's window fills. */
        if (sent < total && sent - got < CHUNK) {
            int n = (int)(total - sent < CHUNK - (sent - got) ? total - sent : CHUNK - (sent - got));
            for (int i = 0; i < n; i++)
                out[i] = (char)pattern(sent + i);
            int k = send(s, out, n, 0);
            if (k <= 0) {
                printf("client: send failed after %ld bytes: error %d\n", sent, WSAGetLastError());
                return 1;
            }
            sent += k;
        }
        int n = recv(s, in, sizeof in, 0);
        if (n <= 0) {
            printf("client: %s after %ld of %ld bytes: error %d\n",
                   n == 0 ? "end of stream" : "recv failed", got, total, WSAGetLastError());
            return 1;
        }
        for (int i = 0; i < n; i++) {
            if ((unsigned char)in[i] != pattern(got + i)) {
                printf("client: byte %ld is 0x%02x, not 0x%02x\n", got + i,
                       (unsigned char)in[i], pattern(got + i));
                return 2;
            }
        }
        got += n;
    }
    printf("client: %ld bytes sent, %ld echoed, every byte checked\n", sent, got);
    closesocket(s);
    WSACleanup();
    return 0;
}
