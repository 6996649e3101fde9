/* Winsock from a stock program over the loopback address: a TCP echo server in a
 * thread, 1 MiB through it with every byte checked, select and ioctlsocket, UDP echo,
 * names and address conversions, and Windows' error codes. */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

#define PORT 7101
#define TOTAL (1024 * 1024)

static SOCKET listener;

static DWORD WINAPI echo_server(LPVOID arg)
{
    char buf[4096];
    (void)arg;
    SOCKET c = accept(listener, NULL, NULL);
    if (c == INVALID_SOCKET)
        return 1;
    for (;;) {
        int n = recv(c, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        for (int off = 0; off < n;) {
            int m = send(c, buf + off, n - off, 0);
            if (m <= 0)
                break;
            off += m;
        }
    }
    closesocket(c);
    return 0;
}

static unsigned char pattern(unsigned i)
{
    return (unsigned char)(i * 131 + (i >> 10));
}

int main(void)
{
    WSADATA wsa;
    struct addrinfo hints, *ai = NULL;
    static char out[8192], in[8192];

    int r = socket(AF_INET, SOCK_STREAM, 0) == INVALID_SOCKET;
    printf("before startup: socket %s, error %d\n", r ? "fails" : "works", WSAGetLastError());
    r = WSAStartup(MAKEWORD(2, 2), &wsa);
    printf("WSAStartup %d version %d.%d\n", r, LOBYTE(wsa.wVersion), HIBYTE(wsa.wVersion));

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    printf("getaddrinfo %d\n", getaddrinfo("127.0.0.1", "7101", &hints, &ai));
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    r = bind(listener, ai->ai_addr, (int)ai->ai_addrlen);
    printf("bind %d", r);
    printf(" listen %d\n", listen(listener, 4));
    HANDLE t = CreateThread(NULL, 0, echo_server, NULL, 0, NULL);

    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    printf("connect %d\n", connect(c, ai->ai_addr, (int)ai->ai_addrlen));
    struct sockaddr_in peer;
    int plen = sizeof peer;
    getpeername(c, (struct sockaddr *)&peer, &plen);
    printf("peer %s:%d\n", inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));

    unsigned sent = 0, got = 0, bad = 0;
    while (got < TOTAL) {
        if (sent < TOTAL && sent - got < 32768) {
            int n = 0;
            for (; n < (int)sizeof out; n++)
                out[n] = (char)pattern(sent + n);
            int m = send(c, out, n, 0);
            if (m <= 0) {
                printf("send failed %d\n", WSAGetLastError());
                break;
            }
            sent += m;
        }
        int n = recv(c, in, sizeof in, 0);
        if (n <= 0) {
            printf("recv failed %d\n", WSAGetLastError());
            break;
        }
        for (int i = 0; i < n; i++)
            bad += (unsigned char)in[i] != pattern(got + i);
        got += n;
    }
    printf("echoed %u bytes, %u wrong\n", got, bad);

    /* select and ioctlsocket */
    fd_set rd;
    struct timeval tv = { 0, 0 };
    FD_ZERO(&rd);
    FD_SET(c, &rd);
    printf("select idle %d\n", select(0, &rd, NULL, NULL, &tv));
    send(c, "ping", 4, 0);
    FD_ZERO(&rd);
    FD_SET(c, &rd);
    tv.tv_sec = 2;
    r = select(0, &rd, NULL, NULL, &tv);
    printf("select data %d set %d\n", r, FD_ISSET(c, &rd) != 0);
    u_long avail = 0;
    Sleep(50);
    ioctlsocket(c, FIONREAD, &avail);
    printf("FIONREAD %lu\n", avail);
    printf("recv %d\n", recv(c, in, sizeof in, 0));
    u_long on = 1;
    ioctlsocket(c, FIONBIO, &on);
    r = recv(c, in, sizeof in, 0);
    printf("nonblocking recv %d error %d\n", r, WSAGetLastError());
    on = 0;
    ioctlsocket(c, FIONBIO, &on);
    int nodelay = 1, type = 0, len = sizeof type;
    printf("TCP_NODELAY %d\n", setsockopt(c, IPPROTO_TCP, TCP_NODELAY, (char *)&nodelay, sizeof nodelay));
    getsockopt(c, SOL_SOCKET, SO_TYPE, (char *)&type, &len);
    printf("SO_TYPE %d\n", type);
    shutdown(c, SD_SEND);
    printf("recv after shutdown %d\n", recv(c, in, sizeof in, 0));
    closesocket(c);
    WaitForSingleObject(t, 5000);
    closesocket(listener);
    freeaddrinfo(ai);

    /* errors */
    struct sockaddr_in nobody = { 0 };
    nobody.sin_family = AF_INET;
    nobody.sin_port = htons(7102);
    nobody.sin_addr.s_addr = inet_addr("127.0.0.1");
    c = socket(AF_INET, SOCK_STREAM, 0);
    r = connect(c, (struct sockaddr *)&nobody, sizeof nobody);
    printf("connect refused %d error %d\n", r, WSAGetLastError());
    closesocket(c);
    r = closesocket((SOCKET)0x1230);
    printf("closesocket bogus %d error %d\n", r, WSAGetLastError());
    r = socket(12345, SOCK_STREAM, 0) == INVALID_SOCKET;
    printf("socket bad family %d error %d\n", r, WSAGetLastError());

    /* UDP */
    SOCKET u1 = socket(AF_INET, SOCK_DGRAM, 0), u2 = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in ua = { 0 }, from;
    ua.sin_family = AF_INET;
    ua.sin_port = htons(7103);
    ua.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    printf("udp bind %d\n", bind(u1, (struct sockaddr *)&ua, sizeof ua));
    printf("udp sendto %d\n", sendto(u2, "datagram", 8, 0, (struct sockaddr *)&ua, sizeof ua));
    int flen = sizeof from;
    int n = recvfrom(u1, in, sizeof in, 0, (struct sockaddr *)&from, &flen);
    printf("udp recvfrom %d '%.*s' from %s\n", n, n > 0 ? n : 0, in, inet_ntoa(from.sin_addr));
    sendto(u1, "reply-longer", 12, 0, (struct sockaddr *)&from, flen);
    n = recvfrom(u2, in, 5, 0, NULL, NULL);
    printf("udp short buffer %d error %d\n", n, WSAGetLastError());
    closesocket(u1);
    closesocket(u2);

    /* names */
    struct hostent *h = gethostbyname("localhost");
    printf("gethostbyname localhost %s\n",
           h ? inet_ntoa(*(struct in_addr *)h->h_addr_list[0]) : "fails");
    unsigned char a4[4];
    char text[16];
    r = inet_pton(AF_INET, "10.0.2.15", a4);
    printf("inet_pton %d %d.%d.%d.%d\n", r, a4[0], a4[1], a4[2], a4[3]);
    printf("inet_pton bad %d\n", inet_pton(AF_INET, "10.0.2", a4));
    printf("inet_ntop %s\n", inet_ntop(AF_INET, a4, text, sizeof text));
    printf("inet_addr bad %s\n", inet_addr("1.2.3.256") == INADDR_NONE ? "INADDR_NONE" : "?");
    printf("htons %04x htonl %08lx\n", htons(0x1234), htonl(0x12345678UL));
    printf("getaddrinfo unknown %d\n",
           getaddrinfo("no-such-host.invalid", NULL, NULL, &ai) == WSAHOST_NOT_FOUND);
    printf("WSACleanup %d\n", WSACleanup());
    return 0;
}
