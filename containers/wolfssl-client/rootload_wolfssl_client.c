/*
 * rootload's wolfSSL client: Debian's libwolfssl (5.5, built with --enable-distro, so OPENSSL_ALL),
 * one process serving many handshakes fed over a control connection, like the Go client. The
 * configured certificate is loaded into the context, as a wolfSSL application does; a certificate
 * setup callback (wolfSSL_CTX_set_cert_cb, run when the CertificateRequest has been read) counts
 * the CA names the library hands out (wolfSSL_get_client_CA_list) and changes nothing.
 *
 * Protocol (tab-separated lines on a TCP control connection to 127.0.0.1:<port>):
 *   request:  id host port tls(1.2|1.3) certPem|- keyPem|- timeoutMs verdictMs
 *   answer:   id ok|fail ms alias issuers detail
 * alias is "client" when a certificate was loaded (wolfSSL sends it whenever asked), "null"
 * otherwise; issuers is the number of CA names seen by the callback (-1: it never ran).
 * Build: cc -O2 -o rootload-wolfssl-client rootload_wolfssl_client.c -lwolfssl
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>

static const char REQUEST[] = "GET / HTTP/1.0\r\nHost: rootload\r\n\r\n";

static int issuers;

/* Runs once the CertificateRequest is read: count the names, leave the certificate as loaded. */
static int on_cert_setup(WOLFSSL *ssl, void *arg) {
  (void)arg;
  WOLF_STACK_OF(WOLFSSL_X509_NAME) *names = wolfSSL_get_client_CA_list(ssl);
  issuers = names == NULL ? 0 : wolfSSL_sk_X509_NAME_num(names);
  return 1;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void set_timeout(int fd, int ms) {
  struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

/*
 * The socket is non-blocking once connected: wolfSSL returns WANT_READ/WANT_WRITE at once and the
 * wait happens here, against one deadline (with a blocking socket and SO_RCVTIMEO, wolfSSL 5.5 took
 * 11 times the timeout against a silent server). Returns 1 when the socket is ready, 0 at the deadline.
 */
static int wait_io(int fd, int code, double deadline) {
  double left = deadline - now_ms();
  if (left <= 0) return 0;
  struct pollfd p = {.fd = fd, .events = code == WOLFSSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN};
  return poll(&p, 1, (int)left + 1) > 0;
}

static int connect_to(const char *host, const char *port, int timeout_ms, char *err, size_t n) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
  int rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) {
    snprintf(err, n, "rootload: cannot resolve %s: %s", host, gai_strerror(rc));
    return -1;
  }
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  set_timeout(fd, timeout_ms);
  if (connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    snprintf(err, n, "rootload: connect to %s:%s: %s", host, port, strerror(errno));
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

/* "wolfssl -404: handshake layer not ready yet, complete first" style, plus the alert received. */
static void describe(WOLFSSL *ssl, int code, char *out, size_t n) {
  char e[WOLFSSL_MAX_ERROR_SZ];
  wolfSSL_ERR_error_string_n((unsigned long)code, e, sizeof e);
  int len = snprintf(out, n, "wolfssl %d: %s", code, e);
  WOLFSSL_ALERT_HISTORY h;
  /* The fatal alert the server sent, whatever error wolfSSL made of it (5.5 reads TLS 1.3's
   * certificate_required, 116, as -328 "malformed buffer input"). */
  if (wolfSSL_get_alert_history(ssl, &h) == WOLFSSL_SUCCESS && h.last_rx.level == 2)
    snprintf(out + len, n - len, " (alert %d received)", h.last_rx.code);
}

static void answer(FILE *out, const char *id, int ok, double ms, const char *alias, const char *detail) {
  fprintf(out, "%s\t%s\t%.3f\t%s\t%d\t%s\n", id, ok ? "ok" : "fail", ms, alias, issuers, detail);
  fflush(out);
}

static void handshake(FILE *out, char **f, int nf) {
  char detail[1024] = "";
  issuers = -1;
  if (nf < 8) {
    answer(out, f[0], 0, 0, "null", "rootload: bad request line");
    return;
  }
  const char *id = f[0], *host = f[1], *port = f[2];
  int timeout_ms = atoi(f[6]), verdict_ms = atoi(f[7]);
  /* Field 10, the step after the handshake (model/application.ts): a GET only to a web server. */
  int http = nf < 10 || strcmp(f[9], "http") == 0;
  int held = strcmp(f[4], "-") != 0;
  const char *alias = held ? "client" : "null";
  WOLFSSL_CTX *ctx = wolfSSL_CTX_new(strcmp(f[3], "1.3") == 0 ? wolfTLSv1_3_client_method()
                                                              : wolfTLSv1_2_client_method());
  WOLFSSL *ssl = NULL;
  int fd = -1, ok = 0, ret;
  double t0 = now_ms(), done = 0;
  if (ctx == NULL) {
    answer(out, id, 0, 0, "null", "rootload: wolfSSL_CTX_new failed");
    return;
  }
  /* The harness tests the server's CA list, not its certificate. */
  wolfSSL_CTX_set_verify(ctx, WOLFSSL_VERIFY_NONE, NULL);
  wolfSSL_CTX_set_cert_cb(ctx, on_cert_setup, NULL);
  if (held && (wolfSSL_CTX_use_certificate_file(ctx, f[4], WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS ||
               wolfSSL_CTX_use_PrivateKey_file(ctx, f[5], WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS)) {
    answer(out, id, 0, 0, "null", "rootload: cannot load the identity");
    wolfSSL_CTX_free(ctx);
    return;
  }
  t0 = now_ms();
  double deadline = t0 + timeout_ms;
  fd = connect_to(host, port, timeout_ms, detail, sizeof detail);
  if (fd < 0) goto end;
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  ssl = wolfSSL_new(ctx);
  wolfSSL_set_fd(ssl, fd);
  while ((ret = wolfSSL_connect(ssl)) != WOLFSSL_SUCCESS) {
    int code = wolfSSL_get_error(ssl, ret);
    if ((code == WOLFSSL_ERROR_WANT_READ || code == WOLFSSL_ERROR_WANT_WRITE) && wait_io(fd, code, deadline))
      continue;
    done = now_ms() - t0;
    if (code == WOLFSSL_ERROR_WANT_READ || code == WOLFSSL_ERROR_WANT_WRITE)
      snprintf(detail, sizeof detail, "rootload: timeout, no handshake within %d ms", timeout_ms);
    else
      describe(ssl, code, detail, sizeof detail);
    goto end;
  }
  done = now_ms() - t0;
  /* Like the other clients: a request (to a web server), then wait for the server's verdict (an
     alert or data). */
  deadline = now_ms() + verdict_ms;
  while (http && (ret = wolfSSL_write(ssl, REQUEST, (int)sizeof REQUEST - 1)) <= 0) {
    int code = wolfSSL_get_error(ssl, ret);
    if ((code == WOLFSSL_ERROR_WANT_READ || code == WOLFSSL_ERROR_WANT_WRITE) && wait_io(fd, code, deadline))
      continue;
    describe(ssl, code, detail, sizeof detail);
    goto end;
  }
  char one[1];
  int code;
  while ((ret = wolfSSL_read(ssl, one, 1)) <= 0 &&
         (code = wolfSSL_get_error(ssl, ret)) == WOLFSSL_ERROR_WANT_READ && wait_io(fd, code, deadline))
    ;
  if (ret > 0) {
    ok = 1;
  } else {
    code = wolfSSL_get_error(ssl, ret);
    if (code == WOLFSSL_ERROR_WANT_READ)
      ok = 1; /* no alert within the verdict window: accepted */
    else if (code == WOLFSSL_ERROR_ZERO_RETURN || code == SOCKET_PEER_CLOSED_E)
      snprintf(detail, sizeof detail, "rootload: closed by the server after the handshake, without an alert");
    else
      describe(ssl, code, detail, sizeof detail);
  }
end:
  answer(out, id, ok, done, alias, ok ? "" : detail);
  if (ssl != NULL) wolfSSL_free(ssl);
  if (fd >= 0) close(fd);
  wolfSSL_CTX_free(ctx);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: rootload-wolfssl-client CONTROL_PORT\n");
    return 2;
  }
  wolfSSL_Init();
  int l = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 1) != 0) {
    perror("rootload-wolfssl-client: listen");
    return 1;
  }
  printf("rootload-wolfssl-client ready on %s (wolfSSL %s)\n", argv[1], wolfSSL_lib_version());
  fflush(stdout);
  for (;;) {
    int c = accept(l, NULL, NULL);
    if (c < 0) return 1;
    FILE *in = fdopen(c, "r"), *out = fdopen(dup(c), "w");
    char line[8192];
    while (fgets(line, sizeof line, in) != NULL) {
      line[strcspn(line, "\r\n")] = '\0';
      if (strcmp(line, "quit") == 0) return 0;
      char *f[16];
      int nf = 0;
      for (char *p = line, *tab; nf < 16; p = tab + 1) {
        f[nf++] = p;
        if ((tab = strchr(p, '\t')) == NULL) break;
        *tab = '\0';
      }
      handshake(out, f, nf);
    }
    fclose(in);
    fclose(out);
  }
}
