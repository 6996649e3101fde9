/*
 * sink: accepts one TCP connection on PORT and reads until it ends, then says how it
 * ended (end of stream, or the error, such as 10054 when the peer vanished with a
 * reset). Stock Winsock. Exit 0 at end of stream, 1 after an error.
 */
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    WSADATA wsa;
    struct sockaddr_in a = { 0 };
    static char buf[16384];
    long total = 0;

    if (argc != 2) {
        printf("usage: sink PORT\n");
        return 1;
    }
    WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET l = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_family = AF_INET;
    a.sin_port = htons((u_short)atoi(argv[1]));
    if (bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 1) != 0) {
        printf("sink: cannot listen: error %d\n", WSAGetLastError());
        return 1;
    }
    printf("sink: listening on port %s\n", argv[1]);
    fflush(stdout);
    SOCKET s = accept(l, NULL, NULL);
    if (s == INVALID_SOCKET) {
        printf("sink: accept error %d\n", WSAGetLastError());
        return 1;
    }
    for (;;) {
        int n = recv(s, buf, sizeof buf, 0);
        if (n > 0) {
            total += n;
            continue;
        }
        if (n == 0) {
            printf("sink: %ld bytes, then end of stream\n", total);
            return 0;
        }
        printf("sink: %ld bytes, then error %d\n", total, WSAGetLastError());
        closesocket(s);
        closesocket(l);
        return 1;
    }
}
