/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SASL for the client: mechanism choice, gs2 flags, the RFC 5802 and RFC
 * 7677 example exchanges, a SHA-512 round trip against a server computed
 * here, hostile servers, and XEP-0474 downgrade protection. */
#include <string.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-sasl.h"
#include "confab-xmpp-scram.h"

#define CB_EXP    CONFAB_SASL_CB_TLS_EXPORTER
#define CB_SEP    CONFAB_SASL_CB_TLS_SERVER_END_POINT
#define CB_UNIQUE CONFAB_SASL_CB_TLS_UNIQUE
#define CB_ALL    (CB_EXP | CB_SEP | CB_UNIQUE)

#define RFC5802_NONCE "fyko+d2lbbFgONRv9qkxdawL"
#define RFC5802_SALT  "QSXCR+Q6sek8bf92"

/* Space-separated list to strv; NULL stays NULL ("not advertised"). */
static char **
split_list (const char *list)
{
  if (list == NULL)
    return NULL;
  return g_strsplit_set (list, " ", -1);
}

static char **
split_list_nonempty (const char *list)
{
  g_auto(GStrv) parts = split_list (list);
  g_autoptr(GStrvBuilder) builder = NULL;

  if (parts == NULL)
    return NULL;
  builder = g_strv_builder_new ();
  for (gsize i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (builder, parts[i]);
  return g_strv_builder_end (builder);
}

static GBytes *
bytes_of (const char *s)
{
  return g_bytes_new (s, strlen (s));
}

static void
assert_bytes_str (GBytes     *bytes,
                  const char *expected)
{
  gsize len;
  const char *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &len);
  g_assert_cmpmem (data, len, expected, strlen (expected));
}

/* ---- Mechanism choice -------------------------------------------------------- */

typedef struct {
  const char               *name;
  const char               *offered;     /* space-separated */
  const char               *cb_types;    /* XEP-0440 list, NULL: not advertised */
  gboolean                  tls;
  gboolean                  tls13;
  guint                     available_cb;
  const char               *allowed;     /* NULL: no restriction */
  ConfabSaslMechanism       expected;    /* NONE: NO_MECHANISM error */
  ConfabSaslChannelBinding  expected_cb;
} ChoiceCase;

#define ALL_SCRAM "SCRAM-SHA-1 SCRAM-SHA-1-PLUS SCRAM-SHA-256 SCRAM-SHA-256-PLUS SCRAM-SHA-512 SCRAM-SHA-512-PLUS"
#define SHA1_256_PLUS "SCRAM-SHA-1 SCRAM-SHA-1-PLUS SCRAM-SHA-256 SCRAM-SHA-256-PLUS"

static const ChoiceCase choice_cases[] = {
  { "sha256-over-sha1", "SCRAM-SHA-1 SCRAM-SHA-256", NULL, TRUE, TRUE, 0, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256, 0 },
  { "sha512-over-all", "PLAIN SCRAM-SHA-1 SCRAM-SHA-512 SCRAM-SHA-256", NULL, TRUE, TRUE, 0, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_512, 0 },
  { "sha512-plus-best", ALL_SCRAM " PLAIN", NULL, TRUE, TRUE, CB_ALL, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_512_PLUS, CB_EXP },
  { "tls12-default-tls-unique", SHA1_256_PLUS, NULL, TRUE, FALSE, CB_UNIQUE | CB_SEP, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS, CB_UNIQUE },
  { "tls12-no-list-no-unique", SHA1_256_PLUS, NULL, TRUE, FALSE, CB_SEP | CB_EXP, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256, 0 },
  { "tls13-default-tls-exporter", SHA1_256_PLUS, NULL, TRUE, TRUE, CB_EXP | CB_SEP, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS, CB_EXP },
  { "tls13-no-list-only-sep", SHA1_256_PLUS, NULL, TRUE, TRUE, CB_SEP, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256, 0 },
  { "tls13-unique-only", SHA1_256_PLUS, NULL, TRUE, TRUE, CB_UNIQUE, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256, 0 },
  { "tls13-unique-only-listed", SHA1_256_PLUS, "tls-unique", TRUE, TRUE, CB_UNIQUE, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256, 0 },
  { "xep0440-exporter-first", SHA1_256_PLUS, "tls-unique tls-server-end-point tls-exporter",
    TRUE, FALSE, CB_ALL, NULL, CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS, CB_EXP },
  { "xep0440-sep-second", SHA1_256_PLUS, "tls-unique tls-server-end-point",
    TRUE, FALSE, CB_ALL, NULL, CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS, CB_SEP },
  { "xep0440-unique-tls12", SHA1_256_PLUS, "tls-unique", TRUE, FALSE, CB_UNIQUE | CB_SEP, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS, CB_UNIQUE },
  { "xep0440-sep-tls13", SHA1_256_PLUS, "tls-server-end-point", TRUE, TRUE, CB_EXP | CB_SEP, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS, CB_SEP },
  { "xep0440-no-common-type", SHA1_256_PLUS, "tls-foo", TRUE, TRUE, CB_ALL, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256, 0 },
  { "xep0440-empty-list", SHA1_256_PLUS, "", TRUE, TRUE, CB_ALL, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256, 0 },
  { "no-cb-support", SHA1_256_PLUS, "tls-exporter", TRUE, TRUE, 0, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256, 0 },
  { "no-plus-without-tls", SHA1_256_PLUS, NULL, FALSE, FALSE, CB_ALL, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256, 0 },
  { "plus-before-stronger-hash", "SCRAM-SHA-1-PLUS SCRAM-SHA-256", NULL, TRUE, FALSE, CB_UNIQUE, NULL,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_1_PLUS, CB_UNIQUE },
  { "plain-alone-over-tls", "PLAIN", NULL, TRUE, TRUE, CB_ALL, NULL,
    CONFAB_SASL_MECHANISM_PLAIN, 0 },
  { "plain-refused-without-tls", "PLAIN", NULL, FALSE, FALSE, 0, NULL,
    CONFAB_SASL_MECHANISM_NONE, 0 },
  { "plain-refused-scram-offered", "PLAIN SCRAM-SHA-1", NULL, TRUE, TRUE, 0, "PLAIN",
    CONFAB_SASL_MECHANISM_NONE, 0 },
  { "plain-refused-unknown-scram", "PLAIN SCRAM-SHA3-512", NULL, TRUE, TRUE, 0, NULL,
    CONFAB_SASL_MECHANISM_NONE, 0 },
  { "plain-allowed-list", "PLAIN X-OAUTH2", NULL, TRUE, TRUE, 0, "PLAIN SCRAM-SHA-256",
    CONFAB_SASL_MECHANISM_PLAIN, 0 },
  { "plain-not-in-allowed", "PLAIN", NULL, TRUE, TRUE, 0, "SCRAM-SHA-256",
    CONFAB_SASL_MECHANISM_NONE, 0 },
  { "unknown-only", "DIGEST-MD5 CRAM-MD5 ANONYMOUS X-OAUTH2 EXTERNAL GSSAPI", NULL, TRUE, TRUE, CB_ALL, NULL,
    CONFAB_SASL_MECHANISM_NONE, 0 },
  { "nothing-offered", "", NULL, TRUE, TRUE, CB_ALL, NULL,
    CONFAB_SASL_MECHANISM_NONE, 0 },
  { "names-are-case-sensitive", "scram-sha-256 plain", NULL, TRUE, TRUE, 0, NULL,
    CONFAB_SASL_MECHANISM_NONE, 0 },
  { "allowed-restricts", ALL_SCRAM, NULL, TRUE, TRUE, CB_ALL, "SCRAM-SHA-1",
    CONFAB_SASL_MECHANISM_SCRAM_SHA_1, 0 },
  { "allowed-plus", SHA1_256_PLUS, NULL, TRUE, FALSE, CB_UNIQUE, "SCRAM-SHA-1-PLUS",
    CONFAB_SASL_MECHANISM_SCRAM_SHA_1_PLUS, CB_UNIQUE },
  { "allowed-plus-unusable", SHA1_256_PLUS, NULL, TRUE, FALSE, 0, "SCRAM-SHA-1-PLUS",
    CONFAB_SASL_MECHANISM_NONE, 0 },
  { "allowed-not-offered", "SCRAM-SHA-1", NULL, TRUE, TRUE, 0, "SCRAM-SHA-512",
    CONFAB_SASL_MECHANISM_NONE, 0 },
};

typedef struct {
  char           **offered;
  char           **cb_types;
  char           **allowed;
  ConfabSaslOffer  offer;
} OfferData;

static void
offer_data_init (OfferData  *d,
                 const char *offered,
                 const char *cb_types,
                 gboolean    tls,
                 gboolean    tls13,
                 guint       available_cb,
                 const char *allowed)
{
  d->offered = split_list_nonempty (offered);
  d->cb_types = split_list_nonempty (cb_types);
  d->allowed = split_list_nonempty (allowed);
  d->offer.mechanisms = (const char * const *) d->offered;
  d->offer.cb_types = (const char * const *) d->cb_types;
  d->offer.allowed = (const char * const *) d->allowed;
  d->offer.tls = tls;
  d->offer.tls13 = tls13;
  d->offer.available_cb = available_cb;
}

static void
offer_data_clear (OfferData *d)
{
  g_strfreev (d->offered);
  g_strfreev (d->cb_types);
  g_strfreev (d->allowed);
}

static void
test_choice (gconstpointer data)
{
  const ChoiceCase *c = data;
  g_autoptr(GError) error = NULL;
  ConfabSaslMechanism mechanism = 99;
  ConfabSaslChannelBinding cb = 99;
  OfferData d;

  offer_data_init (&d, c->offered, c->cb_types, c->tls, c->tls13, c->available_cb, c->allowed);
  if (c->expected == CONFAB_SASL_MECHANISM_NONE)
    {
      g_auto(GStrv) offered = split_list_nonempty (c->offered);

      g_assert_false (confab_xmpp_sasl_choose (&d.offer, &mechanism, &cb, &error));
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NO_MECHANISM);
      /* The message lists what the server offered. */
      for (gsize i = 0; offered[i] != NULL; i++)
        g_assert_nonnull (strstr (error->message, offered[i]));
    }
  else
    {
      g_assert_true (confab_xmpp_sasl_choose (&d.offer, &mechanism, &cb, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (confab_sasl_mechanism_to_string (mechanism), ==,
                       confab_sasl_mechanism_to_string (c->expected));
      g_assert_cmpint (cb, ==, c->expected_cb);
    }
  offer_data_clear (&d);
}

static void
test_names (void)
{
  const char *names[] = { "PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256",
                          "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512", "SCRAM-SHA-512-PLUS" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (confab_sasl_mechanism_to_string (confab_sasl_mechanism_from_string (names[i])),
                     ==, names[i]);
  g_assert_cmpint (confab_sasl_mechanism_from_string ("DIGEST-MD5"), ==, CONFAB_SASL_MECHANISM_NONE);
  g_assert_cmpint (confab_sasl_mechanism_from_string (NULL), ==, CONFAB_SASL_MECHANISM_NONE);
  g_assert_null (confab_sasl_mechanism_to_string (CONFAB_SASL_MECHANISM_NONE));
  g_assert_cmpstr (confab_sasl_channel_binding_to_string (CB_EXP), ==, "tls-exporter");
  g_assert_cmpstr (confab_sasl_channel_binding_to_string (CB_SEP), ==, "tls-server-end-point");
  g_assert_cmpstr (confab_sasl_channel_binding_to_string (CB_UNIQUE), ==, "tls-unique");
  g_assert_null (confab_sasl_channel_binding_to_string (CONFAB_SASL_CB_NONE));
}

/* ---- gs2 header (RFC 5802 §6) -------------------------------------------------- */

typedef struct {
  const char *name;
  const char *offered;
  const char *cb_types;
  gboolean    tls13;
  guint       available_cb;
  const char *allowed;
  const char *expected_prefix;
} Gs2Case;

static const Gs2Case gs2_cases[] = {
  { "p-when-binding", SHA1_256_PLUS, NULL, FALSE, CB_UNIQUE, NULL, "p=tls-unique,,n=user,r=" },
  { "p-exporter", SHA1_256_PLUS, "tls-exporter", TRUE, CB_EXP, NULL, "p=tls-exporter,,n=user,r=" },
  { "p-server-end-point", SHA1_256_PLUS, "tls-server-end-point", TRUE, CB_EXP | CB_SEP, NULL,
    "p=tls-server-end-point,,n=user,r=" },
  /* We could bind, the server offers no -PLUS: tell it ("y"), so a server
   * that does bind notices the -PLUS mechanisms were stripped. */
  { "y-when-server-offers-no-plus", "SCRAM-SHA-1 SCRAM-SHA-256", NULL, TRUE, CB_EXP, NULL, "y,,n=user,r=" },
  { "y-even-with-cb-list", "SCRAM-SHA-256", "tls-exporter", TRUE, CB_EXP, NULL, "y,,n=user,r=" },
  /* The server offers -PLUS but we share no type: "y" would fail us. */
  { "n-when-no-common-type", SHA1_256_PLUS, "tls-foo", TRUE, CB_EXP, NULL, "n,,n=user,r=" },
  { "n-when-plus-of-other-family", "SCRAM-SHA-256 SCRAM-SHA3-512-PLUS", NULL, TRUE, CB_EXP, NULL,
    "n,,n=user,r=" },
  { "n-when-plus-not-allowed", SHA1_256_PLUS, NULL, TRUE, CB_EXP, "SCRAM-SHA-256", "n,,n=user,r=" },
  { "n-when-we-cannot-bind", "SCRAM-SHA-256", NULL, TRUE, 0, NULL, "n,,n=user,r=" },
  { "n-tls13-unique-only", "SCRAM-SHA-256", NULL, TRUE, CB_UNIQUE, NULL, "n,,n=user,r=" },
};

static void
test_gs2 (gconstpointer data)
{
  const Gs2Case *c = data;
  g_autoptr(ConfabXmppSasl) sasl = NULL;
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) cb_data = bytes_of ("channel-binding-data");
  g_autoptr(GError) error = NULL;
  ConfabSaslMechanism mechanism;
  ConfabSaslChannelBinding cb;
  OfferData d;
  gsize len;
  const char *payload;

  offer_data_init (&d, c->offered, c->cb_types, TRUE, c->tls13, c->available_cb, c->allowed);
  g_assert_true (confab_xmpp_sasl_choose (&d.offer, &mechanism, &cb, &error));
  sasl = confab_xmpp_sasl_new (mechanism, "user", "pencil", cb,
                               cb != CONFAB_SASL_CB_NONE ? cb_data : NULL, &d.offer);
  initial = confab_xmpp_sasl_initial_response_full (sasl, &error);
  g_assert_no_error (error);
  payload = g_bytes_get_data (initial, &len);
  g_assert_cmpuint (len, >, strlen (c->expected_prefix));
  g_assert_cmpmem (payload, strlen (c->expected_prefix), c->expected_prefix, strlen (c->expected_prefix));
  offer_data_clear (&d);
}

/* ---- Exchanges ---------------------------------------------------------------- */

static ConfabXmppSasl *
new_sasl (ConfabSaslMechanism  mechanism,
          const char          *offered,
          const char          *cb_types,
          const char          *username,
          const char          *password)
{
  OfferData d;
  ConfabXmppSasl *sasl;

  /* No channel binding available: the gs2 header is "n,,". */
  offer_data_init (&d, offered, cb_types, TRUE, TRUE, 0, NULL);
  sasl = confab_xmpp_sasl_new (mechanism, username, password, CONFAB_SASL_CB_NONE, NULL, &d.offer);
  offer_data_clear (&d);
  return sasl;
}

typedef struct {
  const char          *name;
  ConfabSaslMechanism  mechanism;
  const char          *nonce;
  const char          *client_first;
  const char          *server_first;
  const char          *client_final;
  const char          *server_final;
} ExampleCase;

static const ExampleCase example_cases[] = {
  /* RFC 5802 §5 */
  { "rfc5802-sha1", CONFAB_SASL_MECHANISM_SCRAM_SHA_1, RFC5802_NONCE,
    "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
    "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
    "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=" },
  /* RFC 7677 §3 */
  { "rfc7677-sha256", CONFAB_SASL_MECHANISM_SCRAM_SHA_256, "rOprNGfwEbeRWgbNEkqO",
    "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
    "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=" },
};

/* How the server delivers its final message (RFC 6120 §6.4.6). */
typedef enum {
  FINAL_IN_SUCCESS,      /* <success>v=...</success> */
  FINAL_AS_CHALLENGE,    /* <challenge>v=...</challenge><success/> */
  FINAL_MISSING,         /* <success/> with nothing: must fail */
} FinalMode;

static void
run_example (const ExampleCase *c,
             const char        *password,
             FinalMode          mode)
{
  g_autoptr(ConfabXmppSasl) sasl = NULL;
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) server_first = bytes_of (c->server_first);
  g_autoptr(GBytes) server_final = bytes_of (c->server_final);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  sasl = new_sasl (c->mechanism, confab_sasl_mechanism_to_string (c->mechanism), NULL, "user", password);
  confab_xmpp_sasl_set_client_nonce_for_testing (sasl, c->nonce);
  initial = confab_xmpp_sasl_initial_response (sasl);
  assert_bytes_str (initial, c->client_first);

  response = confab_xmpp_sasl_respond (sasl, server_first, NULL, &error);
  g_assert_no_error (error);
  assert_bytes_str (response, c->client_final);

  switch (mode)
    {
    case FINAL_IN_SUCCESS:
      g_assert_true (confab_xmpp_sasl_verify_success (sasl, server_final, &error));
      g_assert_no_error (error);
      break;
    case FINAL_AS_CHALLENGE:
      {
        g_autoptr(GBytes) last = confab_xmpp_sasl_respond (sasl, server_final, NULL, &error);

        g_assert_no_error (error);
        g_assert_nonnull (last);
        g_assert_cmpuint (g_bytes_get_size (last), ==, 0);
        g_assert_true (confab_xmpp_sasl_verify_success (sasl, empty, &error));
        g_assert_no_error (error);
      }
      break;
    case FINAL_MISSING:
    default:
      g_assert_false (confab_xmpp_sasl_verify_success (sasl, empty, &error));
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER);
      break;
    }
}

static void
test_example (gconstpointer data)
{
  run_example (data, "pencil", FINAL_IN_SUCCESS);
}

static void
test_example_final_as_challenge (gconstpointer data)
{
  run_example (data, "pencil", FINAL_AS_CHALLENGE);
}

static void
test_example_final_missing (gconstpointer data)
{
  run_example (data, "pencil", FINAL_MISSING);
}

/* SASLprep (RFC 4013 §2): each of these must prepare to "pencil", so the
 * RFC 5802 exchange still yields the RFC's proof. */
static const char * const pencil_variants[] = {
  "pencil",
  "\xef\xbd\x90" "encil",       /* U+FF50 FULLWIDTH p: NFKC */
  "pen\xc2\xad" "cil",          /* U+00AD SOFT HYPHEN: mapped to nothing */
  "pen\xe2\x80\x8d" "cil",      /* U+200D ZERO WIDTH JOINER: mapped to nothing */
};

static void
test_saslprep_password (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (pencil_variants); i++)
    run_example (&example_cases[0], pencil_variants[i], FINAL_IN_SUCCESS);
}

typedef struct {
  const char *name;
  const char *password;
} BadPasswordCase;

static const BadPasswordCase bad_password_cases[] = {
  { "control-char", "pen\x01" "cil" },
  { "delete", "pen\x7f" "cil" },
  { "c1-control", "pen\xc2\x85" "cil" },
  { "bidi-override", "pen\xe2\x80\xae" "cil" },
  { "private-use", "pen\xee\x80\x80" "cil" },
  { "empty", "" },
  { "only-mapped-to-nothing", "\xc2\xad" },
  { "invalid-utf8", "pen\xff" "cil" },
};

static void
test_bad_password (gconstpointer data)
{
  const BadPasswordCase *c = data;
  const ConfabSaslMechanism mechanisms[] = { CONFAB_SASL_MECHANISM_SCRAM_SHA_256, CONFAB_SASL_MECHANISM_PLAIN };

  for (gsize i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    {
      g_autoptr(ConfabXmppSasl) sasl = new_sasl (mechanisms[i], "PLAIN", NULL, "user", c->password);
      g_autoptr(GBytes) challenge = bytes_of ("r=x,s=QSXCR+Q6sek8bf92,i=4096");
      g_autoptr(GBytes) initial = NULL;
      g_autoptr(GBytes) response = NULL;
      g_autoptr(GError) error = NULL;

      initial = confab_xmpp_sasl_initial_response_full (sasl, &error);
      g_assert_null (initial);
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS);
      g_clear_error (&error);
      /* The attempt stays failed. */
      g_assert_null (confab_xmpp_sasl_initial_response (sasl));
      response = confab_xmpp_sasl_respond (sasl, challenge, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS);
      g_clear_error (&error);
      g_assert_false (confab_xmpp_sasl_verify_success (sasl, NULL, &error));
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS);
    }
}

/* RFC 5802 §5.1: "," and "=" in the user name are escaped. */
static void
test_username_escaping (void)
{
  g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_1, "SCRAM-SHA-1", NULL,
                                             "a,b=c", "pencil");
  g_autoptr(GBytes) initial = NULL;

  confab_xmpp_sasl_set_client_nonce_for_testing (sasl, RFC5802_NONCE);
  initial = confab_xmpp_sasl_initial_response (sasl);
  assert_bytes_str (initial, "n,,n=a=2Cb=3Dc,r=" RFC5802_NONCE);
}

static void
test_random_nonce (void)
{
  g_autoptr(ConfabXmppSasl) a = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_256, "SCRAM-SHA-256", NULL, "user", "pencil");
  g_autoptr(ConfabXmppSasl) b = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_256, "SCRAM-SHA-256", NULL, "user", "pencil");
  g_autoptr(GBytes) ia = confab_xmpp_sasl_initial_response (a);
  g_autoptr(GBytes) ib = confab_xmpp_sasl_initial_response (b);
  g_autoptr(GBytes) again = confab_xmpp_sasl_initial_response (a);
  g_autofree char *sa = g_strndup (g_bytes_get_data (ia, NULL), g_bytes_get_size (ia));
  g_autofree char *sb = g_strndup (g_bytes_get_data (ib, NULL), g_bytes_get_size (ib));
  const char *nonce = strstr (sa, ",r=") + 3;

  g_assert_true (g_str_has_prefix (sa, "n,,n=user,r="));
  g_assert_cmpstr (sa, !=, sb);
  /* 24 random bytes, base64: 32 characters, no ',' and no padding. */
  g_assert_cmpuint (strlen (nonce), ==, 32);
  g_assert_null (strchr (nonce, ','));
  g_assert_null (strchr (nonce, '='));
  g_assert_true (g_bytes_equal (ia, again));
}

static void
test_plain (void)
{
  g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_PLAIN, "PLAIN", NULL,
                                             "user", "pen\xc2\xa0" "cil");
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) challenge = bytes_of ("anything");
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  /* RFC 4616 §2, with U+00A0 mapped to a space by SASLprep. */
  static const char expected[] = "\0user\0pen cil";

  initial = confab_xmpp_sasl_initial_response (sasl);
  g_assert_nonnull (initial);
  g_assert_cmpmem (g_bytes_get_data (initial, NULL), g_bytes_get_size (initial),
                   expected, sizeof expected - 1);
  g_assert_cmpint (confab_xmpp_sasl_get_mechanism (sasl), ==, CONFAB_SASL_MECHANISM_PLAIN);
  g_assert_true (confab_xmpp_sasl_verify_success (sasl, NULL, &error));
  g_assert_no_error (error);

  /* PLAIN has no challenges. */
  response = confab_xmpp_sasl_respond (sasl, challenge, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
}

/* ---- Server side, computed independently here ---------------------------------- */

typedef struct {
  GChecksumType type;
  gsize         len;
  char         *client_first_bare;
  char         *server_first;
  guint8        client_proof[64];
  guint8        server_signature[64];
} TestServer;

static char *
b64 (const guint8 *data,
     gsize         len)
{
  return g_base64_encode (data, len);
}

/* RFC 5802 §3, from the server's side: StoredKey/ServerKey from the
 * password, and from AuthMessage the proof it expects and its signature. */
static void
test_server_compute (TestServer *s,
                     const char *password,
                     const guint8 *salt,
                     gsize        salt_len,
                     guint        iterations,
                     const char  *without_proof)
{
  g_autofree char *auth_message = g_strjoin (",", s->client_first_bare, s->server_first,
                                             without_proof, NULL);
  guint8 salted[64], client_key[64], stored_key[64], server_key[64], signature[64];
  g_autoptr(GChecksum) h = g_checksum_new (s->type);
  gsize len = s->len;

  confab_scram_hi (s->type, (const guint8 *) password, strlen (password), salt, salt_len, iterations, salted);
  confab_scram_hmac (s->type, salted, s->len, (const guint8 *) "Client Key", 10, client_key);
  g_checksum_update (h, client_key, s->len);
  g_checksum_get_digest (h, stored_key, &len);
  confab_scram_hmac (s->type, salted, s->len, (const guint8 *) "Server Key", 10, server_key);
  confab_scram_hmac (s->type, stored_key, s->len, (const guint8 *) auth_message,
                     strlen (auth_message), signature);
  for (gsize i = 0; i < s->len; i++)
    s->client_proof[i] = client_key[i] ^ signature[i];
  confab_scram_hmac (s->type, server_key, s->len, (const guint8 *) auth_message,
                     strlen (auth_message), s->server_signature);
}

/* XEP-0474 §6.1, written out by hand for the lists used below. */
static char *
test_ssdp (GChecksumType type,
           const char   *joined)
{
  g_autoptr(GChecksum) h = g_checksum_new (type);
  guint8 digest[64];
  gsize len = sizeof digest;

  g_checksum_update (h, (const guint8 *) joined, strlen (joined));
  g_checksum_get_digest (h, digest, &len);
  return b64 (digest, len);
}

typedef struct {
  const char               *name;
  ConfabSaslMechanism       mechanism;
  GChecksumType             type;
  ConfabSaslChannelBinding  cb;
  const char               *offered;
  const char               *cb_types;
  const char               *ssdp_input;   /* NULL: the server sends no "h" */
} RoundTripCase;

static const RoundTripCase round_trip_cases[] = {
  { "sha512", CONFAB_SASL_MECHANISM_SCRAM_SHA_512, G_CHECKSUM_SHA512, CONFAB_SASL_CB_NONE,
    "SCRAM-SHA-512", NULL, NULL },
  { "sha512-plus-exporter", CONFAB_SASL_MECHANISM_SCRAM_SHA_512_PLUS, G_CHECKSUM_SHA512, CB_EXP,
    "SCRAM-SHA-512 SCRAM-SHA-512-PLUS", "tls-exporter", NULL },
  { "sha512-plus-ssdp", CONFAB_SASL_MECHANISM_SCRAM_SHA_512_PLUS, G_CHECKSUM_SHA512, CB_EXP,
    "SCRAM-SHA-512-PLUS SCRAM-SHA-256 SCRAM-SHA-512 PLAIN", "tls-server-end-point tls-exporter",
    "PLAIN\x1eSCRAM-SHA-256\x1eSCRAM-SHA-512\x1eSCRAM-SHA-512-PLUS\x1f"
    "tls-exporter\x1etls-server-end-point" },
  { "sha256-ssdp-no-cb-list", CONFAB_SASL_MECHANISM_SCRAM_SHA_256, G_CHECKSUM_SHA256, CONFAB_SASL_CB_NONE,
    "SCRAM-SHA-256 SCRAM-SHA-1", NULL, "SCRAM-SHA-1\x1eSCRAM-SHA-256" },
  { "sha1-ssdp-empty-cb-list", CONFAB_SASL_MECHANISM_SCRAM_SHA_1, G_CHECKSUM_SHA1, CONFAB_SASL_CB_NONE,
    "SCRAM-SHA-1", "", "SCRAM-SHA-1\x1f" },
};

static void
test_round_trip (gconstpointer data)
{
  const RoundTripCase *c = data;
  const guint8 salt[] = "a salt of sixteen";
  const guint iterations = 4321;
  g_autoptr(GBytes) cb_data = bytes_of ("\x01\x02 channel binding \xff");
  g_autoptr(ConfabXmppSasl) sasl = NULL;
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GBytes) success = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *salt_b64 = b64 (salt, sizeof salt - 1);
  g_autofree char *client_first = NULL;
  g_autofree char *client_final = NULL;
  g_autofree char *expected_c = NULL;
  g_autofree char *expected_proof = NULL;
  g_autofree char *ssdp = NULL;
  g_autofree char *v = NULL;
  g_autofree char *signature = NULL;
  g_auto(GStrv) fields = NULL;
  TestServer server = { .type = c->type, .len = (gsize) g_checksum_type_get_length (c->type) };
  const char *nonce;
  OfferData d;

  offer_data_init (&d, c->offered, c->cb_types, TRUE, TRUE, c->cb, NULL);
  sasl = confab_xmpp_sasl_new (c->mechanism, "juliet", "r0m30myr0m30", c->cb,
                               c->cb != CONFAB_SASL_CB_NONE ? cb_data : NULL, &d.offer);
  offer_data_clear (&d);

  initial = confab_xmpp_sasl_initial_response (sasl);
  g_assert_nonnull (initial);
  client_first = g_strndup (g_bytes_get_data (initial, NULL), g_bytes_get_size (initial));
  server.client_first_bare = strstr (client_first, "n=juliet,r=");
  g_assert_nonnull (server.client_first_bare);
  nonce = server.client_first_bare + strlen ("n=juliet,r=");

  if (c->ssdp_input != NULL)
    ssdp = test_ssdp (c->type, c->ssdp_input);
  server.server_first = g_strdup_printf ("r=%sSERVERnonce,s=%s,i=%u%s%s", nonce, salt_b64, iterations,
                                         ssdp != NULL ? ",h=" : "", ssdp != NULL ? ssdp : "");
  challenge = bytes_of (server.server_first);
  response = confab_xmpp_sasl_respond (sasl, challenge, NULL, &error);
  g_assert_no_error (error);
  client_final = g_strndup (g_bytes_get_data (response, NULL), g_bytes_get_size (response));

  /* c = base64 (gs2-header [cbind-data]) (RFC 5802 §7) */
  fields = g_strsplit (client_final, ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 3);
  if (c->cb != CONFAB_SASL_CB_NONE)
    {
      g_autoptr(GByteArray) input = g_byte_array_new ();
      g_autofree char *header = g_strdup_printf ("p=%s,,", confab_sasl_channel_binding_to_string (c->cb));
      g_autofree char *encoded = NULL;

      g_byte_array_append (input, (const guint8 *) header, strlen (header));
      g_byte_array_append (input, g_bytes_get_data (cb_data, NULL), g_bytes_get_size (cb_data));
      encoded = b64 (input->data, input->len);
      expected_c = g_strdup_printf ("c=%s", encoded);
    }
  else
    expected_c = g_strdup ("c=biws");
  g_assert_cmpstr (fields[0], ==, expected_c);
  g_assert_true (g_str_has_prefix (fields[1], "r="));
  g_assert_true (g_str_has_suffix (fields[1], "SERVERnonce"));

  {
    g_autofree char *without_proof = g_strdup_printf ("%s,%s", fields[0], fields[1]);

    test_server_compute (&server, "r0m30myr0m30", salt, sizeof salt - 1, iterations, without_proof);
  }
  expected_proof = b64 (server.client_proof, server.len);
  g_assert_cmpstr (fields[2] + 2, ==, expected_proof);

  signature = b64 (server.server_signature, server.len);
  v = g_strdup_printf ("v=%s", signature);
  success = bytes_of (v);
  g_assert_true (confab_xmpp_sasl_verify_success (sasl, success, &error));
  g_assert_no_error (error);
  g_free (server.server_first);
}

/* ---- XEP-0474 ----------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *offered;     /* what reached us */
  const char *cb_types;
  gboolean    accepted;
} SsdpCase;

/* The server's side of the XEP-0474 §7 example: SCRAM-SHA-1 and -PLUS,
 * tls-server-end-point and tls-exporter; "h" as printed in the XEP. */
#define XEP0474_H "G6k/rBLDqgOhRRaCuuatSDFkJ08="

static const SsdpCase ssdp_cases[] = {
  { "match", "SCRAM-SHA-1 SCRAM-SHA-1-PLUS", "tls-server-end-point tls-exporter", TRUE },
  { "match-any-order", "SCRAM-SHA-1-PLUS SCRAM-SHA-1", "tls-exporter tls-server-end-point", TRUE },
  { "plus-stripped", "SCRAM-SHA-1", "tls-server-end-point tls-exporter", FALSE },
  { "cb-type-stripped", "SCRAM-SHA-1 SCRAM-SHA-1-PLUS", "tls-server-end-point", FALSE },
  { "cb-list-stripped", "SCRAM-SHA-1 SCRAM-SHA-1-PLUS", NULL, FALSE },
  { "mechanism-added", "SCRAM-SHA-1 SCRAM-SHA-1-PLUS PLAIN", "tls-server-end-point tls-exporter", FALSE },
};

static void
test_ssdp_case (gconstpointer data)
{
  const SsdpCase *c = data;
  g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_1, c->offered, c->cb_types,
                                             "user", "pencil");
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) challenge = bytes_of ("r=" RFC5802_NONCE "3rfcNHYJY1ZVvWVs7j,s=" RFC5802_SALT
                                          ",i=4096,h=" XEP0474_H);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  confab_xmpp_sasl_set_client_nonce_for_testing (sasl, RFC5802_NONCE);
  initial = confab_xmpp_sasl_initial_response (sasl);
  response = confab_xmpp_sasl_respond (sasl, challenge, NULL, &error);
  if (c->accepted)
    {
      g_assert_no_error (error);
      g_assert_nonnull (response);
    }
  else
    {
      g_assert_null (response);
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_DOWNGRADE);
    }
}

/* ---- Hostile servers ----------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *server_first;
  gssize      len;          /* -1: strlen */
  int         code;         /* CONFAB_XMPP_ERROR_* */
} HostileCase;

#define SF_R  "r=" RFC5802_NONCE "srv"
#define SF_S  "s=" RFC5802_SALT
#define GOOD  SF_R "," SF_S ",i=4096"

static const HostileCase hostile_cases[] = {
  { "nonce-not-ours", "r=AAAA" RFC5802_NONCE "," SF_S ",i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "nonce-other", "r=3rfcNHYJY1ZVvWVs7j," SF_S ",i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "nonce-not-extended", "r=" RFC5802_NONCE "," SF_S ",i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "nonce-truncated", "r=fyko+d2lbbFgONRv9qkxdaw," SF_S ",i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "nonce-non-printable", "r=" RFC5802_NONCE "\xc3\xa9," SF_S ",i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-zero", SF_R "," SF_S ",i=0", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-one", SF_R "," SF_S ",i=1", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-4095", SF_R "," SF_S ",i=4095", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-billion", SF_R "," SF_S ",i=1000000000", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-just-over-max", SF_R "," SF_S ",i=1000001", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-overflow", SF_R "," SF_S ",i=99999999999999999999", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-negative", SF_R "," SF_S ",i=-4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-leading-zero", SF_R "," SF_S ",i=04096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-plus-sign", SF_R "," SF_S ",i=+4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-trailing-junk", SF_R "," SF_S ",i=4096x", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-empty", SF_R "," SF_S ",i=", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "i-hex", SF_R "," SF_S ",i=0x1000", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "missing-s", SF_R ",i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "missing-i", SF_R "," SF_S, -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "missing-r", SF_S ",i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "wrong-order", SF_S "," SF_R ",i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "empty-salt", SF_R ",s=,i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "salt-bad-chars", SF_R ",s=QSX*R+Q6sek8bf92,i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "salt-bad-length", SF_R ",s=QSXCR+Q6sek8bf9,i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "salt-inner-padding", SF_R ",s=QS==R+Q6sek8bf92,i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "salt-only-padding", SF_R ",s====,i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "mandatory-extension", "m=must-understand," GOOD, -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "duplicate-r", SF_R "," SF_R "," SF_S ",i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "duplicate-s-as-extension", GOOD "," SF_S, -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "m-as-extension", GOOD ",m=x", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "duplicate-extension", GOOD ",x=1,x=2", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "empty-extension-value", GOOD ",x=", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "extension-not-attr", GOOD ",xyz", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "empty-field", SF_R ",," SF_S ",i=4096", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "trailing-comma", GOOD ",", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "embedded-nul", GOOD "\0,x=1", sizeof (GOOD ",x=1") - 1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "control-char", GOOD ",x=\x01", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "newline", GOOD "\n", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "invalid-utf8", GOOD ",x=\xff\xfe", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "empty", "", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "server-error-too-early", "e=other-error", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "ssdp-not-base64", GOOD ",h=!!!!", -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "ssdp-duplicate", GOOD ",h=" XEP0474_H ",h=" XEP0474_H, -1, CONFAB_XMPP_ERROR_AUTH_PARAMETERS },
  { "ssdp-wrong", GOOD ",h=AAAAAAAAAAAAAAAAAAAAAAAAAAA=", -1, CONFAB_XMPP_ERROR_AUTH_DOWNGRADE },
  { "ssdp-wrong-length", GOOD ",h=AAAA", -1, CONFAB_XMPP_ERROR_AUTH_DOWNGRADE },
};

static void
test_hostile (gconstpointer data)
{
  const HostileCase *c = data;
  g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_1, "SCRAM-SHA-1", NULL,
                                             "user", "pencil");
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) challenge = g_bytes_new (c->server_first, c->len >= 0 ? (gsize) c->len
                                                                            : strlen (c->server_first));
  g_autoptr(GBytes) good = bytes_of (GOOD);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  confab_xmpp_sasl_set_client_nonce_for_testing (sasl, RFC5802_NONCE);
  initial = confab_xmpp_sasl_initial_response (sasl);
  response = confab_xmpp_sasl_respond (sasl, challenge, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, CONFAB_XMPP_ERROR, c->code);
  g_test_message ("%s: %s", c->name, error->message);
  g_clear_error (&error);

  /* Once failed, a well-formed retry cannot revive the attempt. */
  response = confab_xmpp_sasl_respond (sasl, good, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, CONFAB_XMPP_ERROR, c->code);
}

static void
test_hostile_huge (void)
{
  g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_1, "SCRAM-SHA-1", NULL,
                                             "user", "pencil");
  g_autoptr(GString) big = g_string_new (GOOD ",x=");
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  while (big->len <= 4096)
    g_string_append_c (big, 'a');
  challenge = g_bytes_new (big->str, big->len);
  confab_xmpp_sasl_set_client_nonce_for_testing (sasl, RFC5802_NONCE);
  initial = confab_xmpp_sasl_initial_response (sasl);
  response = confab_xmpp_sasl_respond (sasl, challenge, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS);
}

/* Unknown optional extensions are allowed (RFC 5802 §5.1) and, being part
 * of server-first-message, enter the AuthMessage: a server sending one gets
 * a different proof than the RFC's. */
static void
test_unknown_extension_accepted (void)
{
  g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_1, "SCRAM-SHA-1", NULL,
                                             "user", "pencil");
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) challenge = bytes_of ("r=" RFC5802_NONCE "3rfcNHYJY1ZVvWVs7j,s=" RFC5802_SALT
                                          ",i=4096,x=future,Y=upper");
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  confab_xmpp_sasl_set_client_nonce_for_testing (sasl, RFC5802_NONCE);
  initial = confab_xmpp_sasl_initial_response (sasl);
  response = confab_xmpp_sasl_respond (sasl, challenge, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (response);
  g_assert_null (g_strstr_len (g_bytes_get_data (response, NULL), (gssize) g_bytes_get_size (response),
                               "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="));
}

static void
test_max_iterations_setting (void)
{
  g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_1, "SCRAM-SHA-1", NULL,
                                             "user", "pencil");
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) challenge = bytes_of (SF_R "," SF_S ",i=6000");
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  confab_xmpp_sasl_set_max_iterations (sasl, 5000);
  confab_xmpp_sasl_set_client_nonce_for_testing (sasl, RFC5802_NONCE);
  initial = confab_xmpp_sasl_initial_response (sasl);
  response = confab_xmpp_sasl_respond (sasl, challenge, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS);
}

typedef struct {
  const char *name;
  const char *server_final;
  const char *in_message;   /* expected substring of the error message */
} BadFinalCase;

static const BadFinalCase bad_final_cases[] = {
  { "wrong-signature", "v=rmF9pqV8S7suAoZWja4dJRkFsKA=", NULL },
  { "signature-of-other-hash", "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", NULL },
  { "truncated-signature", "v=rmF9pqV8S7suAoZWja4d", NULL },
  { "signature-not-base64", "v=rmF9pqV8S7suAoZWja4dJRkFsK*=", NULL },
  { "empty-signature", "v=", NULL },
  { "no-attribute", "rmF9pqV8S7suAoZWja4dJRkFsKQ=", NULL },
  { "server-error", "e=invalid-proof", "invalid-proof" },
  { "server-error-other", "e=other-error", "other-error" },
  { "signature-then-junk", "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=,junk", NULL },
  { "embedded-control", "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=\x01", NULL },
};

static void
run_bad_final (const BadFinalCase *c,
               gboolean            as_challenge)
{
  const ExampleCase *ex = &example_cases[0];
  g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_1, "SCRAM-SHA-1", NULL,
                                             "user", "pencil");
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) server_first = bytes_of (ex->server_first);
  g_autoptr(GBytes) server_final = bytes_of (c->server_final);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  confab_xmpp_sasl_set_client_nonce_for_testing (sasl, ex->nonce);
  initial = confab_xmpp_sasl_initial_response (sasl);
  response = confab_xmpp_sasl_respond (sasl, server_first, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&response, g_bytes_unref);

  if (as_challenge)
    {
      response = confab_xmpp_sasl_respond (sasl, server_final, NULL, &error);
      g_assert_null (response);
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER);
      if (c->in_message != NULL)
        g_assert_nonnull (strstr (error->message, c->in_message));
      g_clear_error (&error);
      /* ... and the empty <success/> that follows must not pass. */
      g_assert_false (confab_xmpp_sasl_verify_success (sasl, empty, &error));
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER);
    }
  else
    {
      g_assert_false (confab_xmpp_sasl_verify_success (sasl, server_final, &error));
      g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER);
      if (c->in_message != NULL)
        g_assert_nonnull (strstr (error->message, c->in_message));
    }
}

static void
test_bad_final_in_success (gconstpointer data)
{
  run_bad_final (data, FALSE);
}

static void
test_bad_final_as_challenge (gconstpointer data)
{
  run_bad_final (data, TRUE);
}

/* Out-of-order server behaviour. */
static void
test_sequence_errors (void)
{
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(GBytes) rfc_final = bytes_of (example_cases[0].server_final);
  g_autoptr(GError) error = NULL;

  {
    /* A challenge before we said anything. */
    g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_1, "SCRAM-SHA-1", NULL, "user", "pencil");
    g_autoptr(GBytes) response = confab_xmpp_sasl_respond (sasl, empty, NULL, &error);

    g_assert_null (response);
    g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  {
    /* <success/> right after <auth/>: no proof at all. */
    g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_256, "SCRAM-SHA-256", NULL, "user", "pencil");
    g_autoptr(GBytes) initial = confab_xmpp_sasl_initial_response (sasl);

    g_assert_nonnull (initial);
    g_assert_false (confab_xmpp_sasl_verify_success (sasl, empty, &error));
    g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER);
    g_clear_error (&error);
  }
  {
    /* The server-final (even a correct-looking one) before server-first. */
    g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_1, "SCRAM-SHA-1", NULL, "user", "pencil");
    g_autoptr(GBytes) initial = NULL;

    confab_xmpp_sasl_set_client_nonce_for_testing (sasl, RFC5802_NONCE);
    initial = confab_xmpp_sasl_initial_response (sasl);
    g_assert_false (confab_xmpp_sasl_verify_success (sasl, rfc_final, &error));
    g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER);
    g_clear_error (&error);
  }
  {
    /* A third challenge after the verified server-final. */
    const ExampleCase *ex = &example_cases[0];
    g_autoptr(ConfabXmppSasl) sasl = new_sasl (ex->mechanism, "SCRAM-SHA-1", NULL, "user", "pencil");
    g_autoptr(GBytes) first = bytes_of (ex->server_first);
    g_autoptr(GBytes) initial = NULL;
    g_autoptr(GBytes) r1 = NULL;
    g_autoptr(GBytes) r2 = NULL;
    g_autoptr(GBytes) r3 = NULL;

    confab_xmpp_sasl_set_client_nonce_for_testing (sasl, ex->nonce);
    initial = confab_xmpp_sasl_initial_response (sasl);
    r1 = confab_xmpp_sasl_respond (sasl, first, NULL, &error);
    r2 = confab_xmpp_sasl_respond (sasl, rfc_final, NULL, &error);
    g_assert_no_error (error);
    r3 = confab_xmpp_sasl_respond (sasl, rfc_final, NULL, &error);
    g_assert_null (r3);
    g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL);
  }
}

static void
test_plus_without_cb_data (void)
{
  g_autoptr(ConfabXmppSasl) sasl = NULL;
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GBytes) challenge = bytes_of (GOOD);
  g_autoptr(GError) error = NULL;
  OfferData d;

  offer_data_init (&d, "SCRAM-SHA-256-PLUS", NULL, TRUE, TRUE, CB_EXP, NULL);
  sasl = confab_xmpp_sasl_new (CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS, "user", "pencil",
                               CB_EXP, NULL, &d.offer);
  offer_data_clear (&d);
  initial = confab_xmpp_sasl_initial_response_full (sasl, &error);
  g_assert_null (initial);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS);
  g_clear_error (&error);
  response = confab_xmpp_sasl_respond (sasl, challenge, NULL, &error);
  g_assert_null (response);
  g_assert_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS);
}

static void
test_cancelled (void)
{
  g_autoptr(ConfabXmppSasl) sasl = new_sasl (CONFAB_SASL_MECHANISM_SCRAM_SHA_256, "SCRAM-SHA-256", NULL,
                                             "user", "pencil");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GBytes) initial = NULL;
  g_autoptr(GBytes) challenge = bytes_of (SF_R "," SF_S ",i=100000");
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;

  confab_xmpp_sasl_set_client_nonce_for_testing (sasl, RFC5802_NONCE);
  initial = confab_xmpp_sasl_initial_response (sasl);
  g_cancellable_cancel (cancellable);
  response = confab_xmpp_sasl_respond (sasl, challenge, cancellable, &error);
  g_assert_null (response);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD_TABLE(prefix, table, func)                                               \
  for (gsize i = 0; i < G_N_ELEMENTS (table); i++)                                   \
    {                                                                                \
      g_autofree char *path = g_strdup_printf ("/xmpp/sasl/" prefix "/%s", table[i].name); \
      g_test_add_data_func (path, &table[i], func);                                  \
    }

  g_test_add_func ("/xmpp/sasl/names", test_names);
  ADD_TABLE ("choose", choice_cases, test_choice);
  ADD_TABLE ("gs2", gs2_cases, test_gs2);
  ADD_TABLE ("example", example_cases, test_example);
  ADD_TABLE ("example-final-as-challenge", example_cases, test_example_final_as_challenge);
  ADD_TABLE ("example-final-missing", example_cases, test_example_final_missing);
  g_test_add_func ("/xmpp/sasl/saslprep/password-variants", test_saslprep_password);
  ADD_TABLE ("saslprep/bad-password", bad_password_cases, test_bad_password);
  g_test_add_func ("/xmpp/sasl/username-escaping", test_username_escaping);
  g_test_add_func ("/xmpp/sasl/random-nonce", test_random_nonce);
  g_test_add_func ("/xmpp/sasl/plain", test_plain);
  ADD_TABLE ("round-trip", round_trip_cases, test_round_trip);
  ADD_TABLE ("xep0474", ssdp_cases, test_ssdp_case);
  ADD_TABLE ("hostile-server-first", hostile_cases, test_hostile);
  g_test_add_func ("/xmpp/sasl/hostile-server-first/huge", test_hostile_huge);
  g_test_add_func ("/xmpp/sasl/unknown-extension-accepted", test_unknown_extension_accepted);
  g_test_add_func ("/xmpp/sasl/max-iterations-setting", test_max_iterations_setting);
  ADD_TABLE ("bad-server-final/in-success", bad_final_cases, test_bad_final_in_success);
  ADD_TABLE ("bad-server-final/as-challenge", bad_final_cases, test_bad_final_as_challenge);
  g_test_add_func ("/xmpp/sasl/sequence-errors", test_sequence_errors);
  g_test_add_func ("/xmpp/sasl/plus-without-cb-data", test_plus_without_cb_data);
  g_test_add_func ("/xmpp/sasl/cancelled", test_cancelled);

  return g_test_run ();
}
