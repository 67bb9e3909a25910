/*
 * rootload's mbed TLS client: Debian's libmbedtls (2.28), one process serving many handshakes fed
 * over a control connection, like the Go client. mbed TLS 2.28 has one client certificate and sends
 * it whatever the CertificateRequest lists (ssl_cli.c ssl_parse_certificate_request skips the
 * names: "we only support a single certificate on clients"), and has no API that hands them out.
 *
 * Protocol (tab-separated lines on a TCP control connection to 127.0.0.1:<port>):
 *   request:  id host port tls(1.2|1.3) certPem|- keyPem|- timeoutMs verdictMs
 *   answer:   id ok|fail ms alias issuers detail
 * alias is "client" when a certificate was configured (mbed TLS sends it whenever asked), "null"
 * otherwise; issuers is always -1 (the library does not expose the names).
 * Build: cc -O2 -o rootload-mbedtls-client rootload_mbedtls_client.c -lmbedtls -lmbedx509 -lmbedcrypto
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/debug.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

static const char REQUEST[] = "GET / HTTP/1.0\r\nHost: rootload\r\n\r\n";

static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;

/* The library's own level-1 debug lines of the current handshake (why it failed, in its words). */
static char why[512];

static void on_debug(void *ctx, int level, const char *file, int line, const char *msg) {
  (void)ctx;
  (void)file;
  (void)line;
  if (level > 1) return;
  /* Keep the first line that explains; later ones are the unwinding "returned" lines. */
  if (why[0] != '\0' && strstr(msg, "returned") != NULL) return;
  if (why[0] != '\0') return;
  /* mbed TLS prefixes each line with the context pointer: "0x55d0…: ". */
  if (strncmp(msg, "0x", 2) == 0 && strstr(msg, ": ") != NULL) msg = strstr(msg, ": ") + 2;
  snprintf(why, sizeof why, "%s", msg);
  for (char *p = why; *p; p++)
    if (*p == '\n' || *p == '\t' || *p == '\r') *p = ' ';
}

/* One loaded identity, kept for the process (the harness reuses a few files). */
struct identity {
  char cert[512];
  char key[512];
  mbedtls_x509_crt crt;
  mbedtls_pk_context pk;
};
static struct identity ids[16];
static int nids;

static struct identity *identity(const char *cert, const char *key, char *err, size_t errlen) {
  if (strcmp(cert, "-") == 0) return NULL;
  for (int i = 0; i < nids; i++)
    if (strcmp(ids[i].cert, cert) == 0 && strcmp(ids[i].key, key) == 0) return &ids[i];
  if (nids == (int)(sizeof ids / sizeof ids[0])) nids = 0; /* recycle: never more than a few */
  struct identity *id = &ids[nids];
  mbedtls_x509_crt_init(&id->crt);
  mbedtls_pk_init(&id->pk);
  int ret = mbedtls_x509_crt_parse_file(&id->crt, cert);
  if (ret == 0) ret = mbedtls_pk_parse_keyfile(&id->pk, key, NULL);
  if (ret != 0) {
    char e[160];
    mbedtls_strerror(ret, e, sizeof e);
    snprintf(err, errlen, "rootload: cannot load the identity: %s", e);
    mbedtls_x509_crt_free(&id->crt);
    mbedtls_pk_free(&id->pk);
    return (struct identity *)-1;
  }
  snprintf(id->cert, sizeof id->cert, "%s", cert);
  snprintf(id->key, sizeof id->key, "%s", key);
  nids++;
  return id;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* "mbedtls: -0x7780 SSL - A fatal alert message was received from our peer (alert 40)". */
static void describe(int ret, mbedtls_ssl_context *ssl, char *out, size_t n) {
  char e[200];
  mbedtls_strerror(ret, e, sizeof e);
  int len = snprintf(out, n, "mbedtls -0x%04X: %s", (unsigned)-ret, e);
  if (ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE && ssl->in_msg != NULL)
    len += snprintf(out + len, n - len, " (alert %u)", ssl->in_msg[1]);
  if (why[0] != '\0' && len < (int)n) snprintf(out + len, n - len, "; %s", why);
}

static void answer(FILE *out, const char *id, int ok, double ms, const char *alias, const char *detail) {
  fprintf(out, "%s\t%s\t%.3f\t%s\t-1\t%s\n", id, ok ? "ok" : "fail", ms, alias, detail);
  fflush(out);
}

static void handshake(FILE *out, char **f, int nf) {
  char detail[1024] = "";
  if (nf < 8) {
    answer(out, f[0], 0, 0, "null", "rootload: bad request line");
    return;
  }
  const char *id = f[0], *host = f[1], *port = f[2];
  int timeout_ms = atoi(f[6]), verdict_ms = atoi(f[7]);
  /* Field 10, the step after the handshake (model/application.ts): a GET only to a web server. */
  int http = nf < 10 || strcmp(f[9], "http") == 0;
  if (strcmp(f[3], "1.3") == 0) {
    /* Debian builds 2.28 without MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL: no TLS 1.3 client. */
    answer(out, id, 0, 0, "null",
           "rootload: mbed TLS " MBEDTLS_VERSION_STRING " is built without TLS 1.3 (MBEDTLS_SSL_PROTO_TLS1_3_EXPERIMENTAL off)");
    return;
  }
  struct identity *held = identity(f[4], f[5], detail, sizeof detail);
  if (held == (struct identity *)-1) {
    answer(out, id, 0, 0, "null", detail);
    return;
  }
  const char *alias = held ? "client" : "null";
  mbedtls_net_context net;
  mbedtls_ssl_context ssl;
  mbedtls_ssl_config conf;
  mbedtls_net_init(&net);
  mbedtls_ssl_init(&ssl);
  mbedtls_ssl_config_init(&conf);
  why[0] = '\0';
  double t0 = now_ms(), done = 0;
  int ok = 0, ret;
  if ((ret = mbedtls_net_connect(&net, host, port, MBEDTLS_NET_PROTO_TCP)) != 0) goto fail;
  if ((ret = mbedtls_ssl_config_defaults(&conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT)) != 0)
    goto fail;
  mbedtls_ssl_conf_min_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  mbedtls_ssl_conf_max_version(&conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
  /* The harness tests the server's CA list, not its certificate. */
  mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);
  mbedtls_ssl_conf_rng(&conf, mbedtls_ctr_drbg_random, &drbg);
  mbedtls_ssl_conf_dbg(&conf, on_debug, NULL);
  mbedtls_ssl_conf_read_timeout(&conf, (uint32_t)timeout_ms);
  if (held && (ret = mbedtls_ssl_conf_own_cert(&conf, &held->crt, &held->pk)) != 0) goto fail;
  if ((ret = mbedtls_ssl_setup(&ssl, &conf)) != 0) goto fail;
  mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
  while ((ret = mbedtls_ssl_handshake(&ssl)) != 0) {
    if (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) continue;
    goto fail;
  }
  done = now_ms() - t0;
  /* Like the other clients: a request (to a web server), then wait for the server's verdict (an
     alert or data). */
  mbedtls_ssl_conf_read_timeout(&conf, (uint32_t)verdict_ms);
  if (http && (ret = mbedtls_ssl_write(&ssl, (const unsigned char *)REQUEST, sizeof REQUEST - 1)) < 0) goto fail_after;
  unsigned char one[1];
  ret = mbedtls_ssl_read(&ssl, one, 1);
  if (ret > 0 || ret == MBEDTLS_ERR_SSL_TIMEOUT) {
    ok = 1;
  } else if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
    snprintf(detail, sizeof detail, "rootload: closed by the server after the handshake, without an alert");
  } else {
    goto fail_after;
  }
  goto end;
fail:
  done = now_ms() - t0;
fail_after:
  describe(ret, &ssl, detail, sizeof detail);
end:
  answer(out, id, ok, done, alias, ok ? "" : detail);
  mbedtls_ssl_close_notify(&ssl);
  mbedtls_net_free(&net);
  mbedtls_ssl_free(&ssl);
  mbedtls_ssl_config_free(&conf);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: rootload-mbedtls-client CONTROL_PORT\n");
    return 2;
  }
  mbedtls_entropy_init(&entropy);
  mbedtls_ctr_drbg_init(&drbg);
  if (mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)"rootload", 8) != 0) {
    fprintf(stderr, "rootload-mbedtls-client: cannot seed the DRBG\n");
    return 1;
  }
  mbedtls_debug_set_threshold(1);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(l, (struct sockaddr *)&a, sizeof a) != 0 || listen(l, 1) != 0) {
    perror("rootload-mbedtls-client: listen");
    return 1;
  }
  char version[64];
  mbedtls_version_get_string_full(version);
  printf("rootload-mbedtls-client ready on %s (%s)\n", argv[1], version);
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
