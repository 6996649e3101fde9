/*
 * resolve: looks each NAME up with getaddrinfo and gethostbyname and prints the
 * addresses, or the error (11001 WSAHOST_NOT_FOUND, 11002 WSATRY_AGAIN, 11004
 * WSANO_DATA). Stock Winsock. Exit 0.
 */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    WSADATA wsa;
    struct addrinfo hints = { 0 }, *res, *ai;

    WSAStartup(MAKEWORD(2, 2), &wsa);
    hints.ai_family = AF_INET;
    for (int i = 1; i < argc; i++) {
        int e = getaddrinfo(argv[i], NULL, &hints, &res);
        printf("getaddrinfo %s:", argv[i]);
        if (e) {
            printf(" error %d\n", e);
        } else {
            for (ai = res; ai; ai = ai->ai_next)
                printf(" %s", inet_ntoa(((struct sockaddr_in *)ai->ai_addr)->sin_addr));
            printf("\n");
            freeaddrinfo(res);
        }
        struct hostent *h = gethostbyname(argv[i]);
        printf("gethostbyname %s:", argv[i]);
        if (!h) {
            printf(" error %d\n", WSAGetLastError());
            continue;
        }
        for (char **p = h->h_addr_list; *p; p++)
            printf(" %s", inet_ntoa(*(struct in_addr *)*p));
        printf("\n");
    }
    WSACleanup();
    return 0;
}
