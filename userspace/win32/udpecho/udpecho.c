/*
 * udpecho: a UDP echo server on PORT that sends COUNT datagrams back to where they came
 * from, printing each one's length and FNV-1a hash, then exits 0 (1 after an error, or
 * 20 s without a datagram). Stock Winsock.
 */
#include <winsock2.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    WSADATA wsa;
    struct sockaddr_in a = { 0 }, from;
    static char buf[2048];

    if (argc != 3) {
        printf("usage: udpecho PORT COUNT\n");
        return 1;
    }
    WSAStartup(MAKEWORD(2, 2), &wsa);
    SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
    a.sin_family = AF_INET;
    a.sin_port = htons((u_short)atoi(argv[1]));
    if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) {
        printf("udpecho: bind error %d\n", WSAGetLastError());
        return 1;
    }
    DWORD wait_ms = 20000; /* a datagram lost on the way ends the run, not the machine's */
    setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, (const char *)&wait_ms, sizeof wait_ms);
    printf("udpecho: listening on port %s\n", argv[1]);
    fflush(stdout);
    int count = atoi(argv[2]);
    for (int i = 0; i < count; i++) {
        int len = sizeof from;
        int n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n < 0) {
            printf("udpecho: recvfrom error %d\n", WSAGetLastError());
            return 1;
        }
        unsigned hash = 2166136261u;
        for (int k = 0; k < n; k++)
            hash = (hash ^ (unsigned char)buf[k]) * 16777619u;
        printf("udpecho: datagram %d: %d bytes, fnv1a %08x\n", i, n, hash);
        fflush(stdout);
        if (sendto(s, buf, n, 0, (struct sockaddr *)&from, len) != n) {
            printf("udpecho: sendto error %d\n", WSAGetLastError());
            return 1;
        }
    }
    printf("udpecho: %d datagrams echoed\n", count);
    closesocket(s);
    WSACleanup();
    return 0;
}
