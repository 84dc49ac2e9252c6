/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SCRAM primitives: PBKDF2 (RFC 6070 vectors), HMAC (RFC 2202 and
 * RFC 4231 vectors), cancellation, and (with -m perf) timings. */
#include <string.h>

#include "confab-xmpp-scram.h"

static guint8 *
unhex (const char *hex,
       gsize      *len)
{
  gsize n = strlen (hex) / 2;
  guint8 *out = g_malloc (n);

  for (gsize i = 0; i < n; i++)
    out[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  *len = n;
  return out;
}

/* RFC 6070 §2. PBKDF2 computes its output block by block and Hi() is
 * the first block only, so the vectors with a longer dkLen are checked on
 * their first hLen bytes and the shorter one on its dkLen bytes. The
 * c = 16777216 vector is left out: it takes many seconds. */
typedef struct {
  const char *password;
  gsize       password_len;
  const char *salt;
  gsize       salt_len;
  guint       iterations;
  const char *expected;   /* hex, compared over its own length */
} Pbkdf2Case;

static const Pbkdf2Case rfc6070_cases[] = {
  { "password", 8, "salt", 4, 1, "0c60c80f961f0e71f3a9b524af6012062fe037a6" },
  { "password", 8, "salt", 4, 2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957" },
  { "password", 8, "salt", 4, 4096, "4b007901b765489abead49d926f721d065a429c1" },
  { "passwordPASSWORDpassword", 24, "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096,
    "3d2eec4fe41c849b80c8d83662c0e44a8b291a96" },
  { "pass\0word", 9, "sa\0lt", 5, 4096, "56fa6aa75548099dcc37d7f03425e0c3" },
};

static void
test_pbkdf2_rfc6070 (gconstpointer data)
{
  const Pbkdf2Case *c = data;
  g_autofree guint8 *expected = NULL;
  guint8 out[20];
  gsize len;

  expected = unhex (c->expected, &len);
  confab_scram_hi (G_CHECKSUM_SHA1, (const guint8 *) c->password, c->password_len,
                   (const guint8 *) c->salt, c->salt_len, c->iterations, out);
  g_assert_cmpmem (out, len, expected, len);
}

typedef struct {
  const char   *name;
  GChecksumType type;
  const char   *key;      /* NULL: 131 bytes of 0xaa (RFC 4231 §4.7) */
  const char   *data;
  const char   *expected;
} HmacCase;

static const HmacCase hmac_cases[] = {
  /* RFC 2202 §3 test case 2 */
  { "sha1-jefe", G_CHECKSUM_SHA1, "Jefe", "what do ya want for nothing?",
    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
  /* RFC 4231 §4.3 test case 2 */
  { "sha256-jefe", G_CHECKSUM_SHA256, "Jefe", "what do ya want for nothing?",
    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
  { "sha512-jefe", G_CHECKSUM_SHA512, "Jefe", "what do ya want for nothing?",
    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
    "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
  /* RFC 4231 §4.7 test case 6: a key longer than the block is hashed first */
  { "sha256-long-key", G_CHECKSUM_SHA256, NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
  { "sha512-long-key", G_CHECKSUM_SHA512, NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
    "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
    "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" },
};

static void
test_hmac (gconstpointer data)
{
  const HmacCase *c = data;
  g_autofree guint8 *expected = NULL;
  guint8 long_key[131];
  guint8 out[64];
  gsize len;

  memset (long_key, 0xaa, sizeof long_key);
  expected = unhex (c->expected, &len);
  g_assert_cmpuint (len, ==, (gsize) g_checksum_type_get_length (c->type));
  if (c->key != NULL)
    confab_scram_hmac (c->type, (const guint8 *) c->key, strlen (c->key),
                       (const guint8 *) c->data, strlen (c->data), out);
  else
    confab_scram_hmac (c->type, long_key, sizeof long_key,
                       (const guint8 *) c->data, strlen (c->data), out);
  g_assert_cmpmem (out, len, expected, len);
}

/* Hi with one iteration is a single HMAC over salt + INT(1) (RFC 5802 §2.2),
 * which ties the two primitives together for every hash. */
static void
test_hi_one_iteration_is_hmac (void)
{
  const GChecksumType types[] = { G_CHECKSUM_SHA1, G_CHECKSUM_SHA256, G_CHECKSUM_SHA512 };
  const guint8 salt_int1[] = { 's', 'a', 'l', 't', 0, 0, 0, 1 };

  for (gsize i = 0; i < G_N_ELEMENTS (types); i++)
    {
      gsize len = (gsize) g_checksum_type_get_length (types[i]);
      guint8 hi[64], hmac[64];

      confab_scram_hi (types[i], (const guint8 *) "pencil", 6, salt_int1, 4, 1, hi);
      confab_scram_hmac (types[i], (const guint8 *) "pencil", 6, salt_int1, sizeof salt_int1, hmac);
      g_assert_cmpmem (hi, len, hmac, len);
    }
}

static void
test_secure_zero_and_equal (void)
{
  guint8 a[16], b[16];

  memset (a, 0x5a, sizeof a);
  confab_scram_secure_zero (a, sizeof a);
  memset (b, 0, sizeof b);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  g_assert_true (confab_scram_equal_ct (a, b, sizeof a));
  b[15] = 1;
  g_assert_false (confab_scram_equal_ct (a, b, sizeof a));
  b[15] = 0;
  b[0] = 0x80;
  g_assert_false (confab_scram_equal_ct (a, b, sizeof a));
}

static void
test_hi_cancelled_before (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  guint8 out[32];
  guint8 zero[32] = { 0 };

  memset (out, 0xff, sizeof out);
  g_cancellable_cancel (cancellable);
  g_assert_false (confab_scram_hi_cancellable (G_CHECKSUM_SHA256, (const guint8 *) "p", 1,
                                               (const guint8 *) "s", 1, 4096, out,
                                               cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpmem (out, sizeof out, zero, sizeof zero);
}

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (50 * G_TIME_SPAN_MILLISECOND);
  g_cancellable_cancel (data);
  return NULL;
}

/* A huge count is stopped mid-way once the connect is cancelled. */
static void
test_hi_cancelled_during (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  GThread *thread;
  gint64 start;
  guint8 out[32];

  thread = g_thread_new ("cancel", cancel_soon, cancellable);
  start = g_get_monotonic_time ();
  g_assert_false (confab_scram_hi_cancellable (G_CHECKSUM_SHA256, (const guint8 *) "p", 1,
                                               (const guint8 *) "s", 1, G_MAXUINT, out,
                                               cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_TIME_SPAN_SECOND);
  g_thread_join (thread);
}

static void
test_hi_perf (void)
{
  const guint counts[] = { 4096, 10000, 1000000 };
  const GChecksumType types[] = { G_CHECKSUM_SHA1, G_CHECKSUM_SHA256, G_CHECKSUM_SHA512 };
  const char *names[] = { "SHA-1", "SHA-256", "SHA-512" };

  if (!g_test_perf ())
    {
      g_test_skip ("run with -m perf");
      return;
    }
  for (gsize t = 0; t < G_N_ELEMENTS (types); t++)
    for (gsize i = 0; i < G_N_ELEMENTS (counts); i++)
      {
        guint8 out[64];
        gdouble elapsed;

        g_test_timer_start ();
        confab_scram_hi (types[t], (const guint8 *) "pencil", 6,
                         (const guint8 *) "saltsaltsaltsalt", 16, counts[i], out);
        elapsed = g_test_timer_elapsed ();
        g_test_minimized_result (elapsed, "PBKDF2-HMAC-%s, %u iterations: %.3f ms",
                                 names[t], counts[i], elapsed * 1000);
      }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (rfc6070_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/scram/pbkdf2-sha1/rfc6070-%" G_GSIZE_FORMAT, i + 1);
      g_test_add_data_func (path, &rfc6070_cases[i], test_pbkdf2_rfc6070);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (hmac_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/xmpp/scram/hmac/%s", hmac_cases[i].name);
      g_test_add_data_func (path, &hmac_cases[i], test_hmac);
    }
  g_test_add_func ("/xmpp/scram/hi/one-iteration-is-hmac", test_hi_one_iteration_is_hmac);
  g_test_add_func ("/xmpp/scram/secure-zero-and-equal", test_secure_zero_and_equal);
  g_test_add_func ("/xmpp/scram/hi/cancelled-before", test_hi_cancelled_before);
  g_test_add_func ("/xmpp/scram/hi/cancelled-during", test_hi_cancelled_during);
  g_test_add_func ("/xmpp/scram/hi/perf", test_hi_perf);

  return g_test_run ();
}
