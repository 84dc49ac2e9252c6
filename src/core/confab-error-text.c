/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-error-text.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "confab-core-error.h"
#include "confab-xmpp-error.h"

/* One sentence per error code, written for someone who does not know
 * XMPP. Each domain's function returns NULL for a code it does not know,
 * so a code added later falls back to the domain's general sentence. */

static const char *
describe_xmpp (int code)
{
  switch ((ConfabXmppError) code)
    {
    case CONFAB_XMPP_ERROR_HOST_NOT_FOUND:
      return _("The server could not be found. Check the address for typing mistakes.");
    case CONFAB_XMPP_ERROR_CONNECTION_REFUSED:
      return _("The server refused the connection. It may be down, or the port may be wrong.");
    case CONFAB_XMPP_ERROR_NETWORK:
      return _("The connection to the server was lost. Check your network connection.");
    case CONFAB_XMPP_ERROR_TIMEOUT:
      return _("The server did not answer in time.");
    case CONFAB_XMPP_ERROR_TLS:
      return _("A secure connection to the server could not be set up.");
    case CONFAB_XMPP_ERROR_TLS_UNAVAILABLE:
      return _("The server does not offer an encrypted connection, so Confab does not connect to it.");
    case CONFAB_XMPP_ERROR_CERTIFICATE:
      return _("The server’s certificate is not trusted. Someone may be impersonating the server.");
    case CONFAB_XMPP_ERROR_NO_MECHANISM:
      return _("The server offers no secure way to log in.");
    case CONFAB_XMPP_ERROR_AUTH_DOWNGRADE:
      return _("Someone tampered with the login to weaken its security. Confab stopped.");
    case CONFAB_XMPP_ERROR_AUTH_SERVER:
      return _("The server could not prove that it knows your password. It may be an impostor.");
    case CONFAB_XMPP_ERROR_AUTH_PARAMETERS:
      return _("The server asked for login settings that are not safe.");
    case CONFAB_XMPP_ERROR_BIND:
      return _("The server did not let this device join the account.");
    case CONFAB_XMPP_ERROR_PROTOCOL:
      return _("The server sent something Confab does not understand.");
    case CONFAB_XMPP_ERROR_CLOSED:
      return _("The server closed the connection.");
    case CONFAB_XMPP_ERROR_INVALID_JID:
      return _("That is not a valid address. An address looks like name@example.org.");
    case CONFAB_XMPP_ERROR_NOT_CONNECTED:
      return _("The account is not connected.");
    case CONFAB_XMPP_ERROR_RESUME_FAILED:
      return _("The previous session could not be continued; a new one was started.");
    default:
      return NULL;
    }
}

static const char *
describe_stream (int code)
{
  switch ((ConfabXmppStreamError) code)
    {
    case CONFAB_XMPP_STREAM_ERROR_CONFLICT:
      return _("Another device logged in with the same identity and took over this connection.");
    case CONFAB_XMPP_STREAM_ERROR_CONNECTION_TIMEOUT:
      return _("The server closed the connection because it was idle for too long.");
    case CONFAB_XMPP_STREAM_ERROR_HOST_GONE:
    case CONFAB_XMPP_STREAM_ERROR_HOST_UNKNOWN:
      return _("This server does not serve that domain. Check the address.");
    case CONFAB_XMPP_STREAM_ERROR_NOT_AUTHORIZED:
      return _("The server did not allow this connection.");
    case CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION:
      return _("The server closed the connection because a rule of the server was broken.");
    case CONFAB_XMPP_STREAM_ERROR_REMOTE_CONNECTION_FAILED:
      return _("The server could not reach a service it needs.");
    case CONFAB_XMPP_STREAM_ERROR_RESET:
    case CONFAB_XMPP_STREAM_ERROR_SYSTEM_SHUTDOWN:
      return _("The server is restarting or shutting down. Confab will try again.");
    case CONFAB_XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT:
      return _("The server is too busy at the moment.");
    case CONFAB_XMPP_STREAM_ERROR_SEE_OTHER_HOST:
      return _("The server asked Confab to use another server, which it does not do without asking you.");
    case CONFAB_XMPP_STREAM_ERROR_INTERNAL_SERVER_ERROR:
      return _("The server had an internal problem.");
    case CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_VERSION:
      return _("The server uses a version of XMPP that Confab does not support.");
    case CONFAB_XMPP_STREAM_ERROR_BAD_FORMAT:
    case CONFAB_XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX:
    case CONFAB_XMPP_STREAM_ERROR_IMPROPER_ADDRESSING:
    case CONFAB_XMPP_STREAM_ERROR_INVALID_FROM:
    case CONFAB_XMPP_STREAM_ERROR_INVALID_NAMESPACE:
    case CONFAB_XMPP_STREAM_ERROR_INVALID_XML:
    case CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED:
    case CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML:
    case CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING:
    case CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_FEATURE:
    case CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE:
      return _("The server and Confab did not understand each other, so the connection was closed.");
    case CONFAB_XMPP_STREAM_ERROR_UNDEFINED_CONDITION:
      return _("The server closed the connection.");
    default:
      return NULL;
    }
}

static const char *
describe_sasl (int code)
{
  switch ((ConfabXmppSaslError) code)
    {
    case CONFAB_XMPP_SASL_ERROR_NOT_AUTHORIZED:
    case CONFAB_XMPP_SASL_ERROR_INVALID_AUTHZID:
      return _("The password or the account name is wrong.");
    case CONFAB_XMPP_SASL_ERROR_ACCOUNT_DISABLED:
      return _("The server has disabled this account.");
    case CONFAB_XMPP_SASL_ERROR_CREDENTIALS_EXPIRED:
      return _("The password has expired. Set a new one with your provider.");
    case CONFAB_XMPP_SASL_ERROR_ENCRYPTION_REQUIRED:
    case CONFAB_XMPP_SASL_ERROR_MECHANISM_TOO_WEAK:
    case CONFAB_XMPP_SASL_ERROR_INVALID_MECHANISM:
      return _("The server and Confab could not agree on a secure way to log in.");
    case CONFAB_XMPP_SASL_ERROR_TEMPORARY_AUTH_FAILURE:
      return _("The server could not check the password right now. Try again later.");
    case CONFAB_XMPP_SASL_ERROR_ABORTED:
    case CONFAB_XMPP_SASL_ERROR_INCORRECT_ENCODING:
    case CONFAB_XMPP_SASL_ERROR_MALFORMED_REQUEST:
      return _("The login was interrupted. Try again.");
    default:
      return NULL;
    }
}

static const char *
describe_stanza (int code)
{
  switch ((ConfabXmppStanzaError) code)
    {
    case CONFAB_XMPP_STANZA_ERROR_CONFLICT:
      return _("That name is already in use.");
    case CONFAB_XMPP_STANZA_ERROR_NOT_ACCEPTABLE:
    case CONFAB_XMPP_STANZA_ERROR_BAD_REQUEST:
    case CONFAB_XMPP_STANZA_ERROR_JID_MALFORMED:
      return _("The server did not accept what was sent. Check the details and try again.");
    case CONFAB_XMPP_STANZA_ERROR_NOT_ALLOWED:
    case CONFAB_XMPP_STANZA_ERROR_FORBIDDEN:
    case CONFAB_XMPP_STANZA_ERROR_NOT_AUTHORIZED:
    case CONFAB_XMPP_STANZA_ERROR_REGISTRATION_REQUIRED:
    case CONFAB_XMPP_STANZA_ERROR_SUBSCRIPTION_REQUIRED:
      return _("The server does not allow this.");
    case CONFAB_XMPP_STANZA_ERROR_FEATURE_NOT_IMPLEMENTED:
    case CONFAB_XMPP_STANZA_ERROR_SERVICE_UNAVAILABLE:
      return _("The server does not offer this service.");
    case CONFAB_XMPP_STANZA_ERROR_ITEM_NOT_FOUND:
    case CONFAB_XMPP_STANZA_ERROR_GONE:
      return _("What was asked for does not exist (any more).");
    case CONFAB_XMPP_STANZA_ERROR_RECIPIENT_UNAVAILABLE:
      return _("The contact is not available.");
    case CONFAB_XMPP_STANZA_ERROR_REMOTE_SERVER_NOT_FOUND:
    case CONFAB_XMPP_STANZA_ERROR_REMOTE_SERVER_TIMEOUT:
      return _("The contact’s server could not be reached.");
    case CONFAB_XMPP_STANZA_ERROR_POLICY_VIOLATION:
    case CONFAB_XMPP_STANZA_ERROR_RESOURCE_CONSTRAINT:
      return _("The server refused this for now. Try again later.");
    case CONFAB_XMPP_STANZA_ERROR_TIMEOUT:
      return _("No answer came in time.");
    case CONFAB_XMPP_STANZA_ERROR_REDIRECT:
    case CONFAB_XMPP_STANZA_ERROR_INTERNAL_SERVER_ERROR:
    case CONFAB_XMPP_STANZA_ERROR_UNDEFINED_CONDITION:
    case CONFAB_XMPP_STANZA_ERROR_UNEXPECTED_REQUEST:
      return _("The server could not do this.");
    default:
      return NULL;
    }
}

static const char *
describe_core (int code)
{
  switch ((ConfabCoreError) code)
    {
    case CONFAB_CORE_ERROR_DATABASE:
      return _("Confab could not read or write its data on this computer.");
    case CONFAB_CORE_ERROR_DATABASE_CORRUPT:
      return _("Confab’s data on this computer is damaged.");
    case CONFAB_CORE_ERROR_DATABASE_TOO_NEW:
      return _("Confab’s data was written by a newer version of Confab. Update Confab to use it.");
    case CONFAB_CORE_ERROR_NOT_FOUND:
      return _("It could not be found.");
    case CONFAB_CORE_ERROR_DUPLICATE:
      return _("This account has already been added.");
    case CONFAB_CORE_ERROR_KEYRING_UNAVAILABLE:
      return _("No keyring is available to keep the password safe.");
    case CONFAB_CORE_ERROR_KEYRING_LOCKED:
      return _("The keyring is locked. Unlock it so Confab can use the saved password.");
    case CONFAB_CORE_ERROR_INVALID:
      return _("Some of the details are missing or not valid.");
    default:
      return NULL;
    }
}

static const char *
describe_io (int code)
{
  switch ((GIOErrorEnum) code)
    {
    case G_IO_ERROR_CANCELLED:
      return _("The operation was cancelled.");
    case G_IO_ERROR_TIMED_OUT:
      return _("The server did not answer in time.");
    case G_IO_ERROR_CONNECTION_REFUSED:
      return _("The server refused the connection. It may be down, or the port may be wrong.");
    case G_IO_ERROR_HOST_NOT_FOUND:
      return _("The server could not be found. Check the address for typing mistakes.");
    case G_IO_ERROR_HOST_UNREACHABLE:
    case G_IO_ERROR_NETWORK_UNREACHABLE:
      return _("The server cannot be reached. Check your network connection.");
    case G_IO_ERROR_CONNECTION_CLOSED:  /* also G_IO_ERROR_BROKEN_PIPE */
    case G_IO_ERROR_NOT_CONNECTED:
      return _("The connection to the server was lost. Check your network connection.");
    case G_IO_ERROR_PROXY_FAILED:
    case G_IO_ERROR_PROXY_AUTH_FAILED:
    case G_IO_ERROR_PROXY_NEED_AUTH:
    case G_IO_ERROR_PROXY_NOT_ALLOWED:
      return _("The network proxy did not let the connection through.");
    case G_IO_ERROR_PERMISSION_DENIED:
      return _("Confab is not allowed to do this on this computer.");
    case G_IO_ERROR_NO_SPACE:
      return _("The disk is full.");
    case G_IO_ERROR_NOT_FOUND:
      return _("A file could not be found.");
    case G_IO_ERROR_PENDING:
      return _("This is already in progress.");
    default:
      return NULL;
    }
}

static const char *
describe_tls (int code)
{
  switch ((GTlsError) code)
    {
    case G_TLS_ERROR_BAD_CERTIFICATE:
      return _("The server’s certificate is not trusted. Someone may be impersonating the server.");
    case G_TLS_ERROR_UNAVAILABLE:
      return _("Secure connections are not available on this computer.");
    case G_TLS_ERROR_NOT_TLS:
    case G_TLS_ERROR_HANDSHAKE:
    case G_TLS_ERROR_MISC:
    case G_TLS_ERROR_EOF:
    case G_TLS_ERROR_INAPPROPRIATE_FALLBACK:
      return _("A secure connection to the server could not be set up.");
    case G_TLS_ERROR_CERTIFICATE_REQUIRED:
      return _("The server wants a client certificate, which Confab does not have.");
    case G_TLS_ERROR_BAD_CERTIFICATE_PASSWORD:
      return _("The certificate’s password is wrong.");
    default:
      return NULL;
    }
}

static const char *
describe_resolver (int code)
{
  switch ((GResolverError) code)
    {
    case G_RESOLVER_ERROR_NOT_FOUND:
      return _("The server could not be found. Check the address for typing mistakes.");
    case G_RESOLVER_ERROR_TEMPORARY_FAILURE:
      return _("The server’s address could not be looked up. Check your network connection.");
    case G_RESOLVER_ERROR_INTERNAL:
      return _("The server’s address could not be looked up.");
    default:
      return NULL;
    }
}

char *
confab_error_describe (const GError *error)
{
  const char *text = NULL;

  if (error == NULL)
    return g_strdup (_("Something went wrong."));

  if (error->domain == CONFAB_XMPP_ERROR)
    text = describe_xmpp (error->code);
  else if (error->domain == CONFAB_XMPP_STREAM_ERROR)
    text = describe_stream (error->code) ?: _("The server closed the connection.");
  else if (error->domain == CONFAB_XMPP_SASL_ERROR)
    text = describe_sasl (error->code) ?: _("The server refused the login.");
  else if (error->domain == CONFAB_XMPP_STANZA_ERROR)
    text = describe_stanza (error->code) ?: _("The server could not do this.");
  else if (error->domain == CONFAB_CORE_ERROR)
    text = describe_core (error->code);
  else if (error->domain == G_IO_ERROR)
    text = describe_io (error->code);
  else if (error->domain == G_TLS_ERROR)
    text = describe_tls (error->code);
  else if (error->domain == G_RESOLVER_ERROR)
    text = describe_resolver (error->code);

  return g_strdup (text != NULL ? text : _("Something went wrong."));
}
