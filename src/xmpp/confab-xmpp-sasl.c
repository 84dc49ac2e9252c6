/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-sasl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "confab-xmpp-error.h"
#include "confab-xmpp-scram.h"

/* RFC 7677 §4: "the minimum iteration count ... is 4096". A server (or a
 * MITM in front of it) asking for fewer makes the exchange we are about to
 * send cheap to attack offline: anyone who captured it could test password
 * guesses at a few HMACs each. So fewer is refused, never "tolerated". */
#define MIN_ITERATIONS 4096

/* Challenges are a few hundred bytes in practice; anything past this is an
 * attempt to make us allocate or parse without bound. */
#define MAX_CHALLENGE 4096

/* RFC 5802 §5.1 wants the nonce "sufficiently random"; 24 bytes (192 bits)
 * from the kernel CSPRNG, base64-encoded to 32 characters without padding
 * and without ',' (not in the base64 alphabet). */
#define NONCE_BYTES 24

#define MAX_DIGEST 64

typedef enum {
  STATE_INITIAL,       /* nothing sent yet */
  STATE_PLAIN_SENT,    /* PLAIN: the single message is out */
  STATE_FIRST_SENT,    /* SCRAM: client-first sent, server-first awaited */
  STATE_FINAL_SENT,    /* SCRAM: client-final sent, server-final awaited */
  STATE_VERIFIED,      /* SCRAM: the server signature matched */
  STATE_FAILED,        /* sasl->error says why; every call repeats it */
} State;

struct _ConfabXmppSasl {
  ConfabSaslMechanism       mechanism;
  GChecksumType             hash;
  gsize                     hash_len;
  ConfabSaslChannelBinding  cb_type;
  GBytes                   *cb_data;

  /* Deep copy of what the server offered (XEP-0474 hashes it). */
  char                    **offered_mechanisms;
  char                    **offered_cb_types;   /* NULL: no XEP-0440 list */
  char                     *gs2_header;

  char                     *username;
  char                     *password;           /* secret: wiped on free */
  guint                     max_iterations;

  State                     state;
  GError                   *error;

  char                     *client_nonce;
  char                     *client_first_bare;
  GBytes                   *initial;
  guint8                    server_signature[MAX_DIGEST];
};

/* ---- Names ------------------------------------------------------------------ */

static const struct {
  ConfabSaslMechanism mechanism;
  const char         *name;
  GChecksumType       hash;
  gboolean            plus;
} mechanisms[] = {
  { CONFAB_SASL_MECHANISM_PLAIN,              "PLAIN",              G_CHECKSUM_SHA1,   FALSE },
  { CONFAB_SASL_MECHANISM_SCRAM_SHA_1,        "SCRAM-SHA-1",        G_CHECKSUM_SHA1,   FALSE },
  { CONFAB_SASL_MECHANISM_SCRAM_SHA_1_PLUS,   "SCRAM-SHA-1-PLUS",   G_CHECKSUM_SHA1,   TRUE },
  { CONFAB_SASL_MECHANISM_SCRAM_SHA_256,      "SCRAM-SHA-256",      G_CHECKSUM_SHA256, FALSE },
  { CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS, "SCRAM-SHA-256-PLUS", G_CHECKSUM_SHA256, TRUE },
  { CONFAB_SASL_MECHANISM_SCRAM_SHA_512,      "SCRAM-SHA-512",      G_CHECKSUM_SHA512, FALSE },
  { CONFAB_SASL_MECHANISM_SCRAM_SHA_512_PLUS, "SCRAM-SHA-512-PLUS", G_CHECKSUM_SHA512, TRUE },
};

static const struct {
  ConfabSaslChannelBinding cb;
  const char              *name;
} channel_bindings[] = {
  { CONFAB_SASL_CB_TLS_EXPORTER,         "tls-exporter" },          /* RFC 9266 */
  { CONFAB_SASL_CB_TLS_SERVER_END_POINT, "tls-server-end-point" },  /* RFC 5929 §4 */
  { CONFAB_SASL_CB_TLS_UNIQUE,           "tls-unique" },            /* RFC 5929 §3 */
};

const char *
confab_sasl_mechanism_to_string (ConfabSaslMechanism mechanism)
{
  for (gsize i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    if (mechanisms[i].mechanism == mechanism)
      return mechanisms[i].name;
  return NULL;
}

/* RFC 4422 §3.1: mechanism names are upper case; compared exactly. */
ConfabSaslMechanism
confab_sasl_mechanism_from_string (const char *name)
{
  if (name == NULL)
    return CONFAB_SASL_MECHANISM_NONE;
  for (gsize i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    if (strcmp (mechanisms[i].name, name) == 0)
      return mechanisms[i].mechanism;
  return CONFAB_SASL_MECHANISM_NONE;
}

const char *
confab_sasl_channel_binding_to_string (ConfabSaslChannelBinding cb)
{
  for (gsize i = 0; i < G_N_ELEMENTS (channel_bindings); i++)
    if (channel_bindings[i].cb == cb)
      return channel_bindings[i].name;
  return NULL;
}

static gboolean
mechanism_is_plus (ConfabSaslMechanism mechanism)
{
  for (gsize i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    if (mechanisms[i].mechanism == mechanism)
      return mechanisms[i].plus;
  return FALSE;
}

static GChecksumType
mechanism_hash (ConfabSaslMechanism mechanism)
{
  for (gsize i = 0; i < G_N_ELEMENTS (mechanisms); i++)
    if (mechanisms[i].mechanism == mechanism)
      return mechanisms[i].hash;
  return G_CHECKSUM_SHA1;
}

static gboolean
strv_has (const char * const *strv,
          const char         *s)
{
  if (strv == NULL || s == NULL)
    return FALSE;
  for (gsize i = 0; strv[i] != NULL; i++)
    if (strcmp (strv[i], s) == 0)
      return TRUE;
  return FALSE;
}

/* ---- Choosing (RFC 6120 §6.3.3, §13.8) ----------------------------------------- */

/* The channel-binding types this connection can really produce. */
static guint
usable_channel_bindings (const ConfabSaslOffer *offer)
{
  guint usable;

  if (!offer->tls)
    return 0;
  usable = offer->available_cb;
  /* RFC 9266 §1 and RFC 8446 §C.5: tls-unique is undefined for TLS 1.3. */
  if (offer->tls13)
    usable &= ~(guint) CONFAB_SASL_CB_TLS_UNIQUE;
  return usable;
}

/*
 * Which channel-binding type to use with a -PLUS mechanism.
 *
 * Preference: tls-exporter (RFC 9266) binds to the whole TLS key schedule;
 * tls-server-end-point (RFC 5929 §4) binds only to the server certificate,
 * so someone holding that certificate's key (stolen, or misissued by a CA)
 * can still sit in the middle; tls-unique (RFC 5929 §3) is last because
 * without the extended master secret (RFC 7627) it is open to the triple
 * handshake attack, and it does not exist in TLS 1.3.
 *
 * With a XEP-0440 list we take the best type the server lists and we can
 * produce. Without one (XEP-0440 §3: a server need not advertise), the type
 * is the protocol default: tls-unique for TLS up to 1.2 (RFC 5802 §6, RFC
 * 5929), tls-exporter for TLS 1.3 (RFC 9266 §3). If we cannot produce it,
 * there is no usable type and no -PLUS.
 */
static ConfabSaslChannelBinding
choose_channel_binding (const ConfabSaslOffer *offer)
{
  guint usable = usable_channel_bindings (offer);
  ConfabSaslChannelBinding fallback;

  if (usable == 0)
    return CONFAB_SASL_CB_NONE;

  if (offer->cb_types != NULL)
    {
      for (gsize i = 0; i < G_N_ELEMENTS (channel_bindings); i++)
        if ((usable & channel_bindings[i].cb) != 0
            && strv_has (offer->cb_types, channel_bindings[i].name))
          return channel_bindings[i].cb;
      return CONFAB_SASL_CB_NONE;
    }

  fallback = offer->tls13 ? CONFAB_SASL_CB_TLS_EXPORTER : CONFAB_SASL_CB_TLS_UNIQUE;
  return (usable & fallback) != 0 ? fallback : CONFAB_SASL_CB_NONE;
}

static gboolean
offer_has_plus (const ConfabSaslOffer *offer)
{
  if (offer->mechanisms == NULL)
    return FALSE;
  /* Any -PLUS, even of a family we do not implement: the server then
   * supports channel binding, and "y" would make it fail us (RFC 5802 §6). */
  for (gsize i = 0; offer->mechanisms[i] != NULL; i++)
    if (g_str_has_suffix (offer->mechanisms[i], "-PLUS"))
      return TRUE;
  return FALSE;
}

static gboolean
mechanism_allowed (const ConfabSaslOffer *offer,
                   ConfabSaslMechanism    mechanism)
{
  return offer->allowed == NULL
         || strv_has (offer->allowed, confab_sasl_mechanism_to_string (mechanism));
}

/* The offered names for an error message: network text, so bounded and
 * made printable before it reaches the UI. */
static char *
describe_offer (const ConfabSaslOffer *offer)
{
  GString *s = g_string_new (NULL);
  gsize n = 0;

  if (offer->mechanisms != NULL)
    for (; offer->mechanisms[n] != NULL && n < 16; n++)
      {
        g_autofree char *valid = g_utf8_make_valid (offer->mechanisms[n], -1);
        g_autofree char *shortened = g_utf8_substring (valid, 0, MIN (g_utf8_strlen (valid, -1), 40));

        for (char *p = shortened; *p != '\0'; p++)
          if ((guchar) *p < 0x20 || *p == 0x7f)
            *p = '?';
        if (s->len > 0)
          g_string_append (s, ", ");
        g_string_append (s, shortened);
      }
  if (offer->mechanisms != NULL && offer->mechanisms[n] != NULL)
    g_string_append (s, ", …");
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

gboolean
confab_xmpp_sasl_choose (const ConfabSaslOffer    *offer,
                         ConfabSaslMechanism      *mechanism,
                         ConfabSaslChannelBinding *cb_type,
                         GError                  **error)
{
  /* -PLUS before plain SCRAM, then the strongest hash: channel binding is
   * what stops an active man in the middle (RFC 5802 §6, RFC 5056), which
   * matters more than SHA-1 versus SHA-2 inside HMAC and PBKDF2. If no
   * channel-binding type is usable, the -PLUS entries are skipped, so each
   * hash falls back to its own non-PLUS variant. */
  static const ConfabSaslMechanism preference[] = {
    CONFAB_SASL_MECHANISM_SCRAM_SHA_512_PLUS,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256_PLUS,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_1_PLUS,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_512,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_256,
    CONFAB_SASL_MECHANISM_SCRAM_SHA_1,
  };
  g_autofree char *described = NULL;
  ConfabSaslChannelBinding cb;
  gboolean scram_offered = FALSE;
  gboolean plain_offered = FALSE;
  const char *reason = "";

  g_return_val_if_fail (offer != NULL, FALSE);
  g_return_val_if_fail (mechanism != NULL, FALSE);
  g_return_val_if_fail (cb_type != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *mechanism = CONFAB_SASL_MECHANISM_NONE;
  *cb_type = CONFAB_SASL_CB_NONE;

  if (offer->mechanisms != NULL)
    for (gsize i = 0; offer->mechanisms[i] != NULL; i++)
      {
        /* Any SCRAM, even one we do not implement, makes PLAIN a downgrade. */
        if (g_str_has_prefix (offer->mechanisms[i], "SCRAM-"))
          scram_offered = TRUE;
        if (strcmp (offer->mechanisms[i], "PLAIN") == 0)
          plain_offered = TRUE;
      }

  cb = choose_channel_binding (offer);
  for (gsize i = 0; i < G_N_ELEMENTS (preference); i++)
    {
      ConfabSaslMechanism m = preference[i];

      if (!strv_has (offer->mechanisms, confab_sasl_mechanism_to_string (m)))
        continue;
      if (mechanism_is_plus (m) && cb == CONFAB_SASL_CB_NONE)
        continue;
      if (!mechanism_allowed (offer, m))
        continue;
      *mechanism = m;
      *cb_type = mechanism_is_plus (m) ? cb : CONFAB_SASL_CB_NONE;
      return TRUE;
    }

  /* RFC 6120 §13.8.3 and XEP-0474 §7: PLAIN hands the password to whoever
   * terminates TLS, so only over TLS and only when the server offers no
   * SCRAM at all (otherwise it is what a MITM stripping SCRAM would want).
   * The user's restriction cannot lift this. */
  if (plain_offered && offer->tls && !scram_offered
      && mechanism_allowed (offer, CONFAB_SASL_MECHANISM_PLAIN))
    {
      *mechanism = CONFAB_SASL_MECHANISM_PLAIN;
      return TRUE;
    }

  if (plain_offered && !offer->tls)
    reason = "; PLAIN is refused without TLS";
  else if (plain_offered && scram_offered)
    reason = "; PLAIN is refused while the server offers SCRAM";
  described = describe_offer (offer);
  g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_NO_MECHANISM,
               "The server offers no sign-in method that Confab accepts (offered: %s%s%s)",
               described, offer->allowed != NULL ? "; restricted by the account settings" : "",
               reason);
  return FALSE;
}

/* ---- SASLprep (RFC 4013), approximated ---------------------------------------- */

/* RFC 3454 C.1.2: non-ASCII space characters. */
static gboolean
is_non_ascii_space (gunichar c)
{
  return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B)
         || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* RFC 3454 B.1: characters commonly mapped to nothing. */
static gboolean
is_mapped_to_nothing (gunichar c)
{
  return c == 0x00AD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D)
         || c == 0x200C || c == 0x200D || c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F)
         || c == 0xFEFF;
}

static gboolean
is_prohibited (gunichar c)
{
  GUnicodeType type = g_unichar_type (c);

  /* RFC 3454 C.2 (control characters), C.3 (private use), C.5
   * (surrogates), C.8 (bidi and display controls, which GLib types as
   * "format"), C.4 (non-characters), C.7 (ideographic description). */
  if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F))
    return TRUE;
  if (type == G_UNICODE_CONTROL || type == G_UNICODE_PRIVATE_USE
      || type == G_UNICODE_SURROGATE || type == G_UNICODE_FORMAT
      || type == G_UNICODE_LINE_SEPARATOR || type == G_UNICODE_PARAGRAPH_SEPARATOR)
    return TRUE;
  if ((c & 0xFFFE) == 0xFFFE || (c >= 0xFDD0 && c <= 0xFDEF))
    return TRUE;
  if (c >= 0x2FF0 && c <= 0x2FFB)
    return TRUE;
  return FALSE;
}

/*
 * SASLprep (RFC 4013 §2, profile of stringprep RFC 3454), as the SCRAM
 * (RFC 5802 §2.2 "Normalize") and PLAIN (RFC 4616 §2) credentials require.
 * Approximation, stated plainly:
 *  - mapping (§2.1) and NFKC (§2.2) are done, with GLib's Unicode tables
 *    rather than Unicode 3.2's;
 *  - prohibited output (§2.3) is checked by character class, which also
 *    refuses a few "format" characters assigned after Unicode 3.2;
 *  - the bidi rule (§2.4) is not checked: a server that checks it refuses
 *    such a string anyway, and sending it leaks nothing;
 *  - unassigned code points are allowed (RFC 4013 §2.5, "queries").
 * RFC 7613 (PRECIS OpaqueString) replaces this with NFC; servers in the
 * field still compute with SASLprep, so that is what must match.
 */
static char *
saslprep (const char *in,
          const char *what,
          GError    **error)
{
  g_autoptr(GString) mapped = NULL;
  char *out;

  if (in == NULL || !g_utf8_validate (in, -1, NULL))
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                   "The %s is not valid UTF-8", what);
      return NULL;
    }

  mapped = g_string_sized_new (strlen (in));
  for (const char *p = in; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_non_ascii_space (c))
        g_string_append_c (mapped, ' ');
      else if (!is_mapped_to_nothing (c))
        g_string_append_unichar (mapped, c);
    }

  out = g_utf8_normalize (mapped->str, (gssize) mapped->len, G_NORMALIZE_NFKC);
  confab_scram_secure_zero (mapped->str, mapped->allocated_len);
  if (out == NULL)
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                   "The %s cannot be normalized", what);
      return NULL;
    }

  for (const char *p = out; *p != '\0'; p = g_utf8_next_char (p))
    if (is_prohibited (g_utf8_get_char (p)))
      {
        confab_scram_secure_zero (out, strlen (out));
        g_free (out);
        g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                     "The %s contains a character that is not allowed (RFC 4013 §2.3)", what);
        return NULL;
      }

  if (*out == '\0')
    {
      g_free (out);
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                   "The %s is empty", what);
      return NULL;
    }
  return out;
}

static void
secret_free (char *secret)
{
  if (secret == NULL)
    return;
  confab_scram_secure_zero (secret, strlen (secret));
  g_free (secret);
}

/* RFC 5802 §5.1: in a saslname "=" is sent as "=3D" and "," as "=2C". */
static char *
escape_saslname (const char *name)
{
  GString *s = g_string_sized_new (strlen (name));

  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '=')
        g_string_append (s, "=3D");
      else if (*p == ',')
        g_string_append (s, "=2C");
      else
        g_string_append_c (s, *p);
    }
  return g_string_free (s, FALSE);
}

/* ---- Attempt ------------------------------------------------------------------ */

ConfabXmppSasl *
confab_xmpp_sasl_new (ConfabSaslMechanism       mechanism,
                      const char               *username,
                      const char               *password,
                      ConfabSaslChannelBinding  cb_type,
                      GBytes                   *cb_data,
                      const ConfabSaslOffer    *offer)
{
  ConfabXmppSasl *sasl;

  g_return_val_if_fail (confab_sasl_mechanism_to_string (mechanism) != NULL, NULL);
  g_return_val_if_fail (offer != NULL, NULL);

  sasl = g_new0 (ConfabXmppSasl, 1);
  sasl->mechanism = mechanism;
  sasl->hash = mechanism_hash (mechanism);
  sasl->hash_len = (gsize) g_checksum_type_get_length (sasl->hash);
  sasl->cb_type = mechanism_is_plus (mechanism) ? cb_type : CONFAB_SASL_CB_NONE;
  sasl->cb_data = cb_data != NULL && mechanism_is_plus (mechanism) ? g_bytes_ref (cb_data) : NULL;
  sasl->offered_mechanisms = g_strdupv ((char **) offer->mechanisms);
  if (sasl->offered_mechanisms == NULL)
    sasl->offered_mechanisms = g_new0 (char *, 1);
  sasl->offered_cb_types = g_strdupv ((char **) offer->cb_types);
  sasl->username = g_strdup (username != NULL ? username : "");
  sasl->password = g_strdup (password != NULL ? password : "");
  sasl->max_iterations = CONFAB_SASL_MAX_ITERATIONS;
  sasl->state = STATE_INITIAL;

  /* RFC 5802 §6 (gs2-cbind-flag): "p" when binding; "y" when we could bind
   * but the server offers no -PLUS at all, so a server that does support
   * binding knows a MITM stripped the -PLUS mechanisms and fails us; "n"
   * when we cannot bind, or when the server offers -PLUS but we chose not
   * to use it (no common type; then "y" would wrongly fail; XEP-0474 §7
   * rule 6 leaves that case to the downgrade hash). */
  if (mechanism_is_plus (mechanism))
    {
      const char *name = confab_sasl_channel_binding_to_string (cb_type);

      /* Without a type the attempt fails in initial_response(). */
      sasl->gs2_header = g_strdup_printf ("p=%s,,", name != NULL ? name : "");
    }
  else if (usable_channel_bindings (offer) != 0 && !offer_has_plus (offer))
    sasl->gs2_header = g_strdup ("y,,");
  else
    sasl->gs2_header = g_strdup ("n,,");

  return sasl;
}

void
confab_xmpp_sasl_free (ConfabXmppSasl *sasl)
{
  if (sasl == NULL)
    return;
  g_clear_pointer (&sasl->cb_data, g_bytes_unref);
  g_clear_pointer (&sasl->offered_mechanisms, g_strfreev);
  g_clear_pointer (&sasl->offered_cb_types, g_strfreev);
  g_clear_pointer (&sasl->gs2_header, g_free);
  g_clear_pointer (&sasl->username, g_free);
  g_clear_pointer (&sasl->password, secret_free);
  g_clear_pointer (&sasl->client_nonce, g_free);
  g_clear_pointer (&sasl->client_first_bare, g_free);
  g_clear_pointer (&sasl->initial, g_bytes_unref);
  g_clear_error (&sasl->error);
  confab_scram_secure_zero (sasl->server_signature, sizeof sasl->server_signature);
  g_free (sasl);
}

ConfabSaslMechanism
confab_xmpp_sasl_get_mechanism (ConfabXmppSasl *sasl)
{
  g_return_val_if_fail (sasl != NULL, CONFAB_SASL_MECHANISM_NONE);
  return sasl->mechanism;
}

void
confab_xmpp_sasl_set_max_iterations (ConfabXmppSasl *sasl,
                                     guint           max_iterations)
{
  g_return_if_fail (sasl != NULL);
  sasl->max_iterations = max_iterations != 0 ? max_iterations : CONFAB_SASL_MAX_ITERATIONS;
}

static gboolean
is_printable_nonce (const char *s)
{
  /* RFC 5802 §7: printable = %x21-2B / %x2D-7E (no ','). */
  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s != '\0'; s++)
    if (*s < 0x21 || *s > 0x7E || *s == ',')
      return FALSE;
  return TRUE;
}

void
confab_xmpp_sasl_set_client_nonce_for_testing (ConfabXmppSasl *sasl,
                                               const char     *nonce)
{
  g_return_if_fail (sasl != NULL);
  g_return_if_fail (sasl->state == STATE_INITIAL);
  g_return_if_fail (is_printable_nonce (nonce));

  g_free (sasl->client_nonce);
  sasl->client_nonce = g_strdup (nonce);
}

/* Ends the attempt: every later call reports the same error, and the
 * password is wiped at once rather than when the stream lets go of us. */
static void
fail (ConfabXmppSasl *sasl,
      GError         *reason,
      GError        **error)
{
  if (sasl->error == NULL)
    sasl->error = g_error_copy (reason);
  sasl->state = STATE_FAILED;
  g_clear_pointer (&sasl->password, secret_free);
  g_propagate_error (error, reason);
}

static void
fail_literal (ConfabXmppSasl *sasl,
              GError        **error,
              int             code,
              const char     *message)
{
  fail (sasl, g_error_new_literal (CONFAB_XMPP_ERROR, code, message), error);
}

static gboolean
already_failed (ConfabXmppSasl *sasl,
                GError        **error)
{
  if (sasl->state != STATE_FAILED)
    return FALSE;
  if (sasl->error != NULL)
    g_propagate_error (error, g_error_copy (sasl->error));
  else
    g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                         "The authentication attempt has failed");
  return TRUE;
}

/* Kernel CSPRNG: getrandom(), or /dev/urandom where that is missing. Never
 * anything weaker: a guessable nonce would let a recorded exchange be
 * replayed. */
static gboolean
fill_random (guint8 *buf,
             gsize   len)
{
  gsize done = 0;
  int fd;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          break;
        }
      done += (gsize) n;
    }
  if (done == len)
    return TRUE;

  fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;
  done = 0;
  while (done < len)
    {
      ssize_t n = read (fd, buf + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize) n;
    }
  close (fd);
  return done == len;
}

/* A GBytes whose buffer is wiped before it is freed, for payloads that
 * carry the password (PLAIN). */
typedef struct {
  gsize  len;
  guint8 data[];
} SecretBlob;

static void
secret_blob_free (gpointer user_data)
{
  SecretBlob *blob = user_data;

  confab_scram_secure_zero (blob->data, blob->len);
  g_free (blob);
}

static SecretBlob *
secret_blob_new (gsize len)
{
  SecretBlob *blob = g_malloc0 (sizeof (SecretBlob) + len);

  blob->len = len;
  return blob;
}

static GBytes *
secret_blob_to_bytes (SecretBlob *blob)
{
  return g_bytes_new_with_free_func (blob->data, blob->len, secret_blob_free, blob);
}

/* RFC 4616 §2: message = [authzid] UTF8NUL authcid UTF8NUL passwd, with
 * the authorization identity left empty (act as the authenticated user). */
static GBytes *
plain_message (ConfabXmppSasl *sasl,
               GError        **error)
{
  g_autofree char *user = NULL;
  char *pass;
  SecretBlob *blob;
  gsize user_len, pass_len;

  user = saslprep (sasl->username, "user name", error);
  if (user == NULL)
    return NULL;
  pass = saslprep (sasl->password, "password", error);
  if (pass == NULL)
    return NULL;

  user_len = strlen (user);
  pass_len = strlen (pass);
  blob = secret_blob_new (1 + user_len + 1 + pass_len);
  memcpy (blob->data + 1, user, user_len);
  memcpy (blob->data + 1 + user_len + 1, pass, pass_len);
  secret_free (pass);
  return secret_blob_to_bytes (blob);
}

/* RFC 5802 §7: client-first-message = gs2-header client-first-message-bare,
 * client-first-message-bare = username "," nonce. */
static GBytes *
scram_client_first (ConfabXmppSasl *sasl,
                    GError        **error)
{
  g_autofree char *user = NULL;
  g_autofree char *escaped = NULL;
  char *prepped_password;

  user = saslprep (sasl->username, "user name", error);
  if (user == NULL)
    return NULL;
  /* Prepare the password now so a bad one fails before anything is sent;
   * only the prepared form is kept. */
  prepped_password = saslprep (sasl->password, "password", error);
  if (prepped_password == NULL)
    return NULL;
  secret_free (sasl->password);
  sasl->password = prepped_password;

  /* RFC 5802 §6: with -PLUS the client-final carries the binding data;
   * without it the exchange cannot be completed honestly. */
  if (mechanism_is_plus (sasl->mechanism)
      && (confab_sasl_channel_binding_to_string (sasl->cb_type) == NULL
          || sasl->cb_data == NULL || g_bytes_get_size (sasl->cb_data) == 0))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                           "The TLS connection gave no channel-binding data for the login");
      return NULL;
    }

  if (sasl->client_nonce == NULL)
    {
      guint8 random[NONCE_BYTES];

      if (!fill_random (random, sizeof random))
        {
          g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                               "The system gave no random numbers for the login");
          return NULL;
        }
      sasl->client_nonce = g_base64_encode (random, sizeof random);
      confab_scram_secure_zero (random, sizeof random);
    }

  escaped = escape_saslname (user);
  sasl->client_first_bare = g_strdup_printf ("n=%s,r=%s", escaped, sasl->client_nonce);
  return g_bytes_new_take (g_strconcat (sasl->gs2_header, sasl->client_first_bare, NULL),
                           strlen (sasl->gs2_header) + strlen (sasl->client_first_bare));
}

GBytes *
confab_xmpp_sasl_initial_response_full (ConfabXmppSasl *sasl,
                                        GError        **error)
{
  GError *local = NULL;
  GBytes *payload;

  g_return_val_if_fail (sasl != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (sasl->initial != NULL)
    return g_bytes_ref (sasl->initial);
  if (already_failed (sasl, error))
    return NULL;
  if (sasl->state != STATE_INITIAL)
    {
      fail_literal (sasl, error, CONFAB_XMPP_ERROR_PROTOCOL,
                    "The authentication attempt is already under way");
      return NULL;
    }

  if (sasl->mechanism == CONFAB_SASL_MECHANISM_PLAIN)
    payload = plain_message (sasl, &local);
  else
    payload = scram_client_first (sasl, &local);
  if (payload == NULL)
    {
      fail (sasl, local, error);
      return NULL;
    }

  sasl->initial = payload;
  if (sasl->mechanism == CONFAB_SASL_MECHANISM_PLAIN)
    {
      /* Nothing more needs the password. */
      sasl->state = STATE_PLAIN_SENT;
      g_clear_pointer (&sasl->password, secret_free);
    }
  else
    sasl->state = STATE_FIRST_SENT;
  return g_bytes_ref (payload);
}

GBytes *
confab_xmpp_sasl_initial_response (ConfabXmppSasl *sasl)
{
  return confab_xmpp_sasl_initial_response_full (sasl, NULL);
}

/* ---- SCRAM message parsing (RFC 5802 §7) --------------------------------------- */

/* A server message as a C string, refusing what the grammar never allows
 * anywhere: more than MAX_CHALLENGE bytes, NUL, invalid UTF-8, and control
 * characters (value-char excludes nothing below 0x20 but ',' in the ABNF,
 * yet no attribute we read may hold them and no sane server sends them). */
static char *
message_to_string (GBytes     *bytes,
                   const char *what,
                   GError    **error)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  if (len > MAX_CHALLENGE)
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                   "The server's %s is too long (%" G_GSIZE_FORMAT " bytes)", what, len);
      return NULL;
    }
  if (len == 0)
    return g_strdup ("");
  if (memchr (data, '\0', len) != NULL || !g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                   "The server's %s is not valid text", what);
      return NULL;
    }
  for (gsize i = 0; i < len; i++)
    if ((guchar) data[i] < 0x20 || data[i] == 0x7F)
      {
        g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                     "The server's %s contains control characters", what);
        return NULL;
      }
  return g_strndup (data, len);
}

/* RFC 5802 §7 base64 (RFC 4648 §4): a multiple of four characters from
 * the alphabet, '=' only as one or two final padding characters. GLib's
 * decoder skips junk silently, so the form is checked first. */
static guint8 *
base64_decode_strict (const char *text,
                      gsize      *out_len)
{
  gsize len = strlen (text);
  gsize pad = 0;

  *out_len = 0;
  if (len == 0 || len % 4 != 0)
    return NULL;
  if (text[len - 1] == '=')
    pad = text[len - 2] == '=' ? 2 : 1;
  for (gsize i = 0; i < len - pad; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      return NULL;
  return g_base64_decode (text, out_len);
}

/* attr-val = ALPHA "=" value, value = 1*value-char. */
static gboolean
is_attr_val (const char *field)
{
  return g_ascii_isalpha (field[0]) && field[1] == '=' && field[2] != '\0';
}

static guint64
attr_bit (char attr)
{
  if (g_ascii_islower (attr))
    return G_GUINT64_CONSTANT (1) << (attr - 'a');
  if (g_ascii_isupper (attr))
    return G_GUINT64_CONSTANT (1) << (26 + attr - 'A');
  return 0;
}

/* posit-number = %x31-39 *DIGIT, within guint. */
static gboolean
parse_iterations (const char *text,
                  guint      *out)
{
  guint64 value = 0;

  if (text[0] < '1' || text[0] > '9' || strlen (text) > 10)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
    }
  if (value > G_MAXUINT)
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static int
compare_octets (const void *a,
                const void *b)
{
  /* "i;octet" collation (RFC 4790 §9.3): strcmp compares as unsigned char. */
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
append_sorted (GString            *s,
               const char * const *list)
{
  g_autofree const char **sorted = NULL;
  gsize n = list != NULL ? g_strv_length ((char **) list) : 0;

  if (n == 0)
    return;
  sorted = g_memdup2 (list, n * sizeof (char *));
  qsort (sorted, n, sizeof (char *), compare_octets);
  for (gsize i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (s, '\x1e');
      g_string_append (s, sorted[i]);
    }
}

/*
 * XEP-0474 (0.5.0) §6.1 "Server Sends Downgrade Protection Hash":
 *   S = the advertised SASL mechanisms, sorted ("i;octet"), joined by %x1E;
 *   if XEP-0440 channel-binding types were advertised: S += %x1F, then the
 *   types, sorted, joined by %x1E;
 *   h = base64 (H (S)), H being the hash of the SCRAM mechanism in use
 *   (a plain hash, not an HMAC).
 * §6.2: the client recomputes it from what it saw and MUST fail on a
 * mismatch. The value is then also covered by the AuthMessage, so a MITM
 * that rewrites both the lists and "h" is caught by the proof checks.
 */
static void
ssdp_hash (ConfabXmppSasl *sasl,
           guint8         *out)
{
  g_autoptr(GString) s = g_string_new (NULL);

  append_sorted (s, (const char * const *) sasl->offered_mechanisms);
  if (sasl->offered_cb_types != NULL)
    {
      g_string_append_c (s, '\x1f');
      append_sorted (s, (const char * const *) sasl->offered_cb_types);
    }
  confab_scram_hash (sasl->hash, (const guint8 *) s->str, s->len, out);
}

typedef struct {
  const char *nonce;
  guint8     *salt;
  gsize       salt_len;
  guint       iterations;
  const char *ssdp;     /* XEP-0474 "h", or NULL */
} ServerFirst;

/* server-first-message = [reserved-mext ","] nonce "," salt ","
 *                        iteration-count ["," extensions]  (RFC 5802 §7) */
static gboolean
parse_server_first (ConfabXmppSasl *sasl,
                    char          **fields,
                    ServerFirst    *sf,
                    GError        **error)
{
  guint64 seen = 0;
  gsize n = g_strv_length (fields);

  /* RFC 5802 §5.1: "m" announces a mandatory extension we cannot know,
   * and the client "MUST authentication fail" then. */
  if (n > 0 && g_str_has_prefix (fields[0], "m="))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                           "The server requires an unknown SCRAM extension");
      return FALSE;
    }
  if (n < 3 || !g_str_has_prefix (fields[0], "r=") || !g_str_has_prefix (fields[1], "s=")
      || !g_str_has_prefix (fields[2], "i="))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                           "The server's SCRAM challenge is malformed");
      return FALSE;
    }

  /* RFC 5802 §5.1: the server appends to our nonce; anything else means
   * the message does not belong to this exchange. */
  sf->nonce = fields[0] + 2;
  if (!is_printable_nonce (sf->nonce)
      || !g_str_has_prefix (sf->nonce, sasl->client_nonce)
      || strlen (sf->nonce) <= strlen (sasl->client_nonce))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                           "The server's SCRAM nonce does not extend ours");
      return FALSE;
    }

  sf->salt = base64_decode_strict (fields[1] + 2, &sf->salt_len);
  if (sf->salt == NULL || sf->salt_len == 0)
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                           "The server's SCRAM salt is malformed");
      return FALSE;
    }

  if (!parse_iterations (fields[2] + 2, &sf->iterations))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                           "The server's SCRAM iteration count is malformed");
      return FALSE;
    }
  if (sf->iterations < MIN_ITERATIONS)
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                   "The server asks for only %u SCRAM iterations (at least %u are required)",
                   sf->iterations, MIN_ITERATIONS);
      return FALSE;
    }
  if (sf->iterations > sasl->max_iterations)
    {
      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                   "The server asks for %u SCRAM iterations (at most %u are allowed)",
                   sf->iterations, sasl->max_iterations);
      return FALSE;
    }

  /* extensions = attr-val *("," attr-val); none may repeat, and none may
   * reuse a name the grammar already placed. */
  seen = attr_bit ('r') | attr_bit ('s') | attr_bit ('i') | attr_bit ('m');
  for (gsize i = 3; i < n; i++)
    {
      guint64 bit;

      if (!is_attr_val (fields[i]))
        {
          g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                               "The server's SCRAM challenge has a malformed extension");
          return FALSE;
        }
      bit = attr_bit (fields[i][0]);
      if (bit == 0 || (seen & bit) != 0)
        {
          g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                               "The server's SCRAM challenge repeats or misuses an attribute");
          return FALSE;
        }
      seen |= bit;
      if (fields[i][0] == 'h')
        sf->ssdp = fields[i] + 2;
    }
  return TRUE;
}

static gboolean
check_ssdp (ConfabXmppSasl *sasl,
            const char     *value,
            GError        **error)
{
  g_autofree guint8 *theirs = NULL;
  guint8 ours[MAX_DIGEST];
  gsize len;

  theirs = base64_decode_strict (value, &len);
  if (theirs == NULL)
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_PARAMETERS,
                           "The server's downgrade-protection hash is malformed");
      return FALSE;
    }
  ssdp_hash (sasl, ours);
  if (len != sasl->hash_len || !confab_scram_equal_ct (theirs, ours, len))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_DOWNGRADE,
                           "The list of sign-in methods was tampered with on the way "
                           "from the server (XEP-0474); someone may be intercepting the connection");
      return FALSE;
    }
  return TRUE;
}

static GBytes *
scram_client_final (ConfabXmppSasl *sasl,
                    const char     *server_first,
                    ServerFirst    *sf,
                    GCancellable   *cancellable,
                    GError        **error)
{
  guint8 salted[MAX_DIGEST], client_key[MAX_DIGEST], stored_key[MAX_DIGEST];
  guint8 server_key[MAX_DIGEST], client_signature[MAX_DIGEST], proof[MAX_DIGEST];
  g_autoptr(GByteArray) cbind_input = g_byte_array_new ();
  g_autofree char *cbind = NULL;
  g_autofree char *without_proof = NULL;
  g_autofree char *auth_message = NULL;
  g_autofree char *proof_b64 = NULL;
  gsize len = sasl->hash_len;
  char *final;

  /* RFC 5802 §3: SaltedPassword = Hi(Normalize(password), salt, i). */
  if (!confab_scram_hi_cancellable (sasl->hash, (const guint8 *) sasl->password,
                                    strlen (sasl->password), sf->salt, sf->salt_len,
                                    sf->iterations, salted, cancellable, error))
    return NULL;
  /* Only the salted form is needed from here on. */
  g_clear_pointer (&sasl->password, secret_free);

  confab_scram_hmac (sasl->hash, salted, len, (const guint8 *) "Client Key", 10, client_key);
  confab_scram_hash (sasl->hash, client_key, len, stored_key);
  confab_scram_hmac (sasl->hash, salted, len, (const guint8 *) "Server Key", 10, server_key);

  /* RFC 5802 §7: channel-binding = "c=" base64 (cbind-input),
   * cbind-input = gs2-header [cbind-data], the data only with "p=". */
  g_byte_array_append (cbind_input, (const guint8 *) sasl->gs2_header, strlen (sasl->gs2_header));
  if (sasl->cb_type != CONFAB_SASL_CB_NONE)
    g_byte_array_append (cbind_input, g_bytes_get_data (sasl->cb_data, NULL),
                         g_bytes_get_size (sasl->cb_data));
  cbind = g_base64_encode (cbind_input->data, cbind_input->len);
  without_proof = g_strdup_printf ("c=%s,r=%s", cbind, sf->nonce);

  /* RFC 5802 §3: AuthMessage = client-first-message-bare + "," +
   * server-first-message + "," + client-final-message-without-proof. */
  auth_message = g_strjoin (",", sasl->client_first_bare, server_first, without_proof, NULL);
  confab_scram_hmac (sasl->hash, stored_key, len, (const guint8 *) auth_message,
                     strlen (auth_message), client_signature);
  for (gsize i = 0; i < len; i++)
    proof[i] = client_key[i] ^ client_signature[i];
  confab_scram_hmac (sasl->hash, server_key, len, (const guint8 *) auth_message,
                     strlen (auth_message), sasl->server_signature);
  proof_b64 = g_base64_encode (proof, len);

  confab_scram_secure_zero (salted, sizeof salted);
  confab_scram_secure_zero (client_key, sizeof client_key);
  confab_scram_secure_zero (stored_key, sizeof stored_key);
  confab_scram_secure_zero (server_key, sizeof server_key);
  confab_scram_secure_zero (client_signature, sizeof client_signature);
  confab_scram_secure_zero (proof, sizeof proof);

  final = g_strdup_printf ("%s,p=%s", without_proof, proof_b64);
  return g_bytes_new_take (final, strlen (final));
}

static GBytes *
handle_server_first (ConfabXmppSasl *sasl,
                     GBytes         *challenge,
                     GCancellable   *cancellable,
                     GError        **error)
{
  g_autofree char *message = NULL;
  g_auto(GStrv) fields = NULL;
  ServerFirst sf = { 0 };
  GBytes *response = NULL;

  message = message_to_string (challenge, "SCRAM challenge", error);
  if (message == NULL)
    return NULL;
  /* split with -1 keeps empty fields, so ",," and a trailing ',' fail
   * the attribute checks below. */
  fields = g_strsplit (message, ",", -1);
  if (parse_server_first (sasl, fields, &sf, error)
      && (sf.ssdp == NULL || check_ssdp (sasl, sf.ssdp, error)))
    response = scram_client_final (sasl, message, &sf, cancellable, error);
  g_free (sf.salt);
  return response;
}

/* server-final-message = (server-error / verifier) ["," extensions]
 * (RFC 5802 §7). */
static gboolean
check_server_final (ConfabXmppSasl *sasl,
                    GBytes         *data,
                    GError        **error)
{
  g_autofree char *message = NULL;
  g_autofree guint8 *signature = NULL;
  g_auto(GStrv) fields = NULL;
  gsize len;

  message = message_to_string (data, "final SCRAM message", error);
  if (message == NULL)
    {
      /* A garbled final message is no proof either. */
      if (error != NULL && *error != NULL)
        (*error)->code = CONFAB_XMPP_ERROR_AUTH_SERVER;
      return FALSE;
    }
  if (*message == '\0')
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER,
                           "The server did not prove that it knows the password");
      return FALSE;
    }

  fields = g_strsplit (message, ",", -1);
  /* RFC 5802 §5.1 and §7 server-error-value: "e=" then the reason. */
  if (g_str_has_prefix (fields[0], "e="))
    {
      g_autofree char *reason = g_utf8_substring (fields[0] + 2, 0,
                                                  MIN (g_utf8_strlen (fields[0] + 2, -1), 100));

      g_set_error (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER,
                   "The server refused the login: %s", *reason != '\0' ? reason : "no reason given");
      return FALSE;
    }
  for (gsize i = 1; fields[i] != NULL; i++)
    if (!is_attr_val (fields[i]))
      {
        g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER,
                             "The server's final SCRAM message is malformed");
        return FALSE;
      }
  if (!g_str_has_prefix (fields[0], "v=")
      || (signature = base64_decode_strict (fields[0] + 2, &len)) == NULL)
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER,
                           "The server's final SCRAM message is malformed");
      return FALSE;
    }
  /* RFC 5802 §3: ServerSignature = HMAC(ServerKey, AuthMessage); only the
   * real server (or someone with its stored keys) can compute it. */
  if (len != sasl->hash_len || !confab_scram_equal_ct (signature, sasl->server_signature, len))
    {
      g_set_error_literal (error, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER,
                           "The server failed to prove that it knows the password; "
                           "someone may be impersonating it");
      return FALSE;
    }
  return TRUE;
}

GBytes *
confab_xmpp_sasl_respond (ConfabXmppSasl *sasl,
                          GBytes         *challenge,
                          GCancellable   *cancellable,
                          GError        **error)
{
  GError *local = NULL;
  GBytes *response = NULL;

  g_return_val_if_fail (sasl != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (already_failed (sasl, error))
    return NULL;

  switch (sasl->state)
    {
    case STATE_FIRST_SENT:
      response = handle_server_first (sasl, challenge, cancellable, &local);
      if (response != NULL)
        sasl->state = STATE_FINAL_SENT;
      break;

    case STATE_FINAL_SENT:
      /* The server-final-message as a challenge (see the header). */
      if (check_server_final (sasl, challenge, &local))
        {
          sasl->state = STATE_VERIFIED;
          response = g_bytes_new (NULL, 0);
        }
      break;

    case STATE_INITIAL:
    case STATE_PLAIN_SENT:
    case STATE_VERIFIED:
    case STATE_FAILED:
    default:
      /* PLAIN is a single message (RFC 4616 §2); SCRAM has exactly two
       * server messages (RFC 5802 §5). */
      g_set_error_literal (&local, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_PROTOCOL,
                           "The server sent an unexpected authentication challenge");
      break;
    }

  if (response == NULL)
    fail (sasl, local, error);
  return response;
}

gboolean
confab_xmpp_sasl_verify_success (ConfabXmppSasl *sasl,
                                 GBytes         *additional_data,
                                 GError        **error)
{
  GError *local = NULL;
  gsize len = additional_data != NULL ? g_bytes_get_size (additional_data) : 0;

  g_return_val_if_fail (sasl != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (already_failed (sasl, error))
    return FALSE;

  switch (sasl->state)
    {
    case STATE_PLAIN_SENT:
      return TRUE;

    case STATE_VERIFIED:
      /* Verified in respond(); a repeated signature must still be right. */
      if (len == 0 || check_server_final (sasl, additional_data, &local))
        return TRUE;
      break;

    case STATE_FINAL_SENT:
      if (check_server_final (sasl, additional_data, &local))
        {
          sasl->state = STATE_VERIFIED;
          return TRUE;
        }
      break;

    case STATE_INITIAL:
    case STATE_FIRST_SENT:
    case STATE_FAILED:
    default:
      /* RFC 5802 §5: success before the server-final message means the
       * server never showed it knows the password. */
      g_set_error_literal (&local, CONFAB_XMPP_ERROR, CONFAB_XMPP_ERROR_AUTH_SERVER,
                           "The server reported success without proving that it knows the password");
      break;
    }

  fail (sasl, local, error);
  return FALSE;
}
