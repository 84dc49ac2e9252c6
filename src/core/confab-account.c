/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-account-private.h"
#include "confab-account-sync.h"
#include "confab-core-error.h"
#include "confab-error-text.h"
#include "confab-roster-model-private.h"
#include "confab-xmpp-error.h"
#include "confab-xmpp-modules.h"
#include "confab-xmpp-presence.h"

struct _ConfabAccount
{
  GObject                parent_instance;

  ConfabJid             *jid;
  ConfabXmppStream      *stream;
  ConfabXmppReconnector *reconnector;
  ConfabDatabase        *database;   /* weak: the manager owns it */
  gint64                 row_id;

  char                  *host;
  guint                  port;
  gboolean               direct_tls;
  gboolean               enabled;

  ConfabAccountState     state;
  char                  *error_message;
  GError                *error;
  /* Whether we want to be connected (reconnector running). */
  gboolean               wanted;

  ConfabAccountPresence  own_presence;
  char                  *own_status;
  ConfabRosterModel     *roster;
  ConfabAccountSync     *sync;
  GTlsDatabase          *base_tls_database;  /* the manager's (NULL: system) */
  GTlsDatabase          *ca_database;        /* from ca_file: the only anchor */
  char                  *ca_file;
  GError                *ca_error;           /* why ca_file could not be loaded */
  gboolean               ca_pending;         /* ca_file not parsed yet: no connection */
  /* Asked to connect while the stream was still closing: kept (and then
   * wiped) only until it is closed, since the reconnector cannot start on
   * a closing stream. */
  char                  *password_after_close;
  guint                  start_after_close;
};

G_DEFINE_FINAL_TYPE (ConfabAccount, confab_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_JID,
  PROP_ENABLED,
  PROP_STATE,
  PROP_ERROR_MESSAGE,
  PROP_HOST,
  PROP_PORT,
  PROP_DIRECT_TLS,
  PROP_OWN_PRESENCE,
  PROP_OWN_STATUS,
  PROP_CA_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CONNECT_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GType
confab_account_presence_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { CONFAB_ACCOUNT_PRESENCE_AVAILABLE, "CONFAB_ACCOUNT_PRESENCE_AVAILABLE", "available" },
        { CONFAB_ACCOUNT_PRESENCE_AWAY, "CONFAB_ACCOUNT_PRESENCE_AWAY", "away" },
        { CONFAB_ACCOUNT_PRESENCE_BUSY, "CONFAB_ACCOUNT_PRESENCE_BUSY", "busy" },
        { CONFAB_ACCOUNT_PRESENCE_OFFLINE, "CONFAB_ACCOUNT_PRESENCE_OFFLINE", "offline" },
        { 0, NULL, NULL }
      };
      GType type = g_enum_register_static ("ConfabAccountPresence", values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

GType
confab_account_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { CONFAB_ACCOUNT_STATE_OFFLINE, "CONFAB_ACCOUNT_STATE_OFFLINE", "offline" },
        { CONFAB_ACCOUNT_STATE_CONNECTING, "CONFAB_ACCOUNT_STATE_CONNECTING", "connecting" },
        { CONFAB_ACCOUNT_STATE_ONLINE, "CONFAB_ACCOUNT_STATE_ONLINE", "online" },
        { CONFAB_ACCOUNT_STATE_ERROR, "CONFAB_ACCOUNT_STATE_ERROR", "error" },
        { 0, NULL, NULL }
      };
      GType type = g_enum_register_static ("ConfabAccountState", values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

static void
set_state (ConfabAccount      *self,
           ConfabAccountState  state,
           const char         *error_message)
{
  gboolean message_changed;

  g_assert (state == CONFAB_ACCOUNT_STATE_ERROR || error_message == NULL);

  if (state != CONFAB_ACCOUNT_STATE_ERROR)
    g_clear_error (&self->error);
  message_changed = g_strcmp0 (self->error_message, error_message) != 0;
  if (message_changed)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error_message);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  if (message_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

/* A sentence for the user; the GError's own text when we have none better. */
static void
update_state_from_stream (ConfabAccount *self)
{
  switch (confab_xmpp_stream_get_state (self->stream))
    {
    case CONFAB_XMPP_STREAM_STATE_BOUND:
      set_state (self, CONFAB_ACCOUNT_STATE_ONLINE, NULL);
      break;

    case CONFAB_XMPP_STREAM_STATE_CONNECTING:
    case CONFAB_XMPP_STREAM_STATE_SECURING:
    case CONFAB_XMPP_STREAM_STATE_AUTHENTICATING:
    case CONFAB_XMPP_STREAM_STATE_BINDING:
      set_state (self, CONFAB_ACCOUNT_STATE_CONNECTING, NULL);
      break;

    case CONFAB_XMPP_STREAM_STATE_DISCONNECTED:
    case CONFAB_XMPP_STREAM_STATE_CLOSING:
    default:
      /* An error stays until the user acts; while the reconnector waits
       * out its backoff we are still trying. */
      if (self->state == CONFAB_ACCOUNT_STATE_ERROR)
        break;
      set_state (self, self->wanted ? CONFAB_ACCOUNT_STATE_CONNECTING
                                    : CONFAB_ACCOUNT_STATE_OFFLINE, NULL);
      break;
    }
}

static void
wipe_password (char **password)
{
  if (*password == NULL)
    return;
  for (volatile char *p = *password; *p != '\0'; p++)
    *p = '\0';
  g_clear_pointer (password, g_free);
}

static gboolean
start_after_close_cb (gpointer user_data)
{
  ConfabAccount *self = user_data;
  g_autofree char *password = g_steal_pointer (&self->password_after_close);

  self->start_after_close = 0;
  if (password != NULL && self->wanted && self->reconnector != NULL)
    confab_xmpp_reconnector_start (self->reconnector, password);
  wipe_password (&password);
  return G_SOURCE_REMOVE;
}

static void
stream_state_changed_cb (ConfabXmppStream *stream,
                         GParamSpec       *pspec,
                         ConfabAccount    *self)
{
  g_assert (CONFAB_IS_ACCOUNT (self));

  /* The old session is gone; start once its "closed" has stopped the
   * reconnector (emitted around this notification). */
  if (self->password_after_close != NULL && self->start_after_close == 0
      && confab_xmpp_stream_get_state (stream) == CONFAB_XMPP_STREAM_STATE_DISCONNECTED)
    self->start_after_close = g_idle_add_full (G_PRIORITY_DEFAULT, start_after_close_cb,
                                               g_object_ref (self), g_object_unref);
  update_state_from_stream (self);
}

static void
gave_up_cb (ConfabXmppReconnector *reconnector,
            const GError          *error,
            ConfabAccount         *self)
{
  /* Translated plain words, never the server's raw text (that goes to the
   * logs). */
  g_autofree char *message = confab_error_describe (error);

  g_assert (CONFAB_IS_ACCOUNT (self));

  self->wanted = FALSE;
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  set_state (self, CONFAB_ACCOUNT_STATE_ERROR, message);
}

static ConfabXmppPresenceShow
presence_show (ConfabAccountPresence presence)
{
  switch (presence)
    {
    case CONFAB_ACCOUNT_PRESENCE_AWAY:
      return CONFAB_XMPP_PRESENCE_SHOW_AWAY;
    case CONFAB_ACCOUNT_PRESENCE_BUSY:
      return CONFAB_XMPP_PRESENCE_SHOW_DND;
    case CONFAB_ACCOUNT_PRESENCE_AVAILABLE:
    case CONFAB_ACCOUNT_PRESENCE_OFFLINE:
    default:
      return CONFAB_XMPP_PRESENCE_SHOW_NONE;
    }
}

static void
send_own_presence (ConfabAccount *self)
{
  ConfabXmppPresence *presence;

  if (confab_xmpp_stream_get_state (self->stream) != CONFAB_XMPP_STREAM_STATE_BOUND)
    return;
  presence = (ConfabXmppPresence *) confab_xmpp_stream_get_module (self->stream,
                                                                   CONFAB_TYPE_XMPP_PRESENCE);
  if (presence == NULL)
    return;
  if (self->own_presence == CONFAB_ACCOUNT_PRESENCE_OFFLINE)
    confab_xmpp_presence_send_unavailable (presence, self->own_status);
  else
    confab_xmpp_presence_send_available (presence, presence_show (self->own_presence),
                                         self->own_status, 0);
}

static void
session_started_cb (ConfabXmppStream *stream,
                    gboolean          resumed,
                    ConfabAccount    *self)
{
  g_assert (CONFAB_IS_ACCOUNT (self));

  /* RFC 6121 §4.2: initial presence on every new session (a resumed one
   * kept it). */
  if (!resumed)
    send_own_presence (self);
}

static void
pins_changed_cb (ConfabXmppStream *stream,
                 GParamSpec       *pspec,
                 ConfabAccount    *self)
{
  const char * const *pins = confab_xmpp_stream_get_pinned_certificates (stream);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  g_assert (CONFAB_IS_ACCOUNT (self));

  if (self->database == NULL || self->row_id == 0)
    return;

  if (pins != NULL && pins[0] != NULL)
    text = g_strjoinv ("\n", (char **) pins);

  stmt = confab_database_prepare (self->database,
                                  "UPDATE accounts SET pinned_fingerprints = ?1 WHERE id = ?2",
                                  &error);
  if (stmt == NULL)
    {
      g_warning ("Could not save the pinned certificates: %s", error->message);
      return;
    }
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 1);
  sqlite3_bind_int64 (stmt, 2, self->row_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      confab_database_set_error (confab_database_get_handle (self->database),
                                 "Could not save the pinned certificates", &error);
      g_warning ("%s", error->message);
    }
  sqlite3_reset (stmt);
}

static void
closed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ConfabAccount) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!confab_xmpp_stream_close_finish (CONFAB_XMPP_STREAM (object), result, &error))
    g_debug ("Closing %s: %s", confab_jid_get_bare_string (self->jid), error->message);
}

static void
confab_account_dispose (GObject *object)
{
  ConfabAccount *self = CONFAB_ACCOUNT (object);

  if (self->reconnector != NULL)
    {
      confab_xmpp_reconnector_stop (self->reconnector);
      g_signal_handlers_disconnect_by_data (self->reconnector, self);
    }
  if (self->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->stream, self);
      if (confab_xmpp_stream_get_state (self->stream) != CONFAB_XMPP_STREAM_STATE_DISCONNECTED)
        confab_xmpp_stream_close_async (self->stream, NULL, NULL, NULL);
    }
  if (self->roster != NULL)
    _confab_roster_model_shutdown (self->roster);
  g_clear_object (&self->sync);
  g_clear_object (&self->roster);
  g_clear_object (&self->reconnector);
  g_clear_object (&self->stream);
  g_clear_object (&self->base_tls_database);
  g_clear_object (&self->ca_database);
  g_clear_weak_pointer (&self->database);

  G_OBJECT_CLASS (confab_account_parent_class)->dispose (object);
}

static void
confab_account_finalize (GObject *object)
{
  ConfabAccount *self = CONFAB_ACCOUNT (object);

  g_clear_pointer (&self->jid, confab_jid_unref);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->own_status, g_free);
  g_clear_pointer (&self->ca_file, g_free);
  wipe_password (&self->password_after_close);
  g_clear_error (&self->ca_error);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (confab_account_parent_class)->finalize (object);
}

static void
confab_account_constructed (GObject *object)
{
  ConfabAccount *self = CONFAB_ACCOUNT (object);

  G_OBJECT_CLASS (confab_account_parent_class)->constructed (object);

  g_assert (self->jid != NULL);

  self->stream = confab_xmpp_stream_new (self->jid);
  confab_xmpp_add_standard_modules (self->stream);
  self->reconnector = confab_xmpp_reconnector_new (self->stream);

  g_signal_connect (self->stream, "notify::state",
                    G_CALLBACK (stream_state_changed_cb), self);
  g_signal_connect (self->stream, "notify::pinned-certificates",
                    G_CALLBACK (pins_changed_cb), self);
  g_signal_connect (self->reconnector, "gave-up",
                    G_CALLBACK (gave_up_cb), self);
  g_signal_connect (self->stream, "session-started",
                    G_CALLBACK (session_started_cb), self);

  self->roster = _confab_roster_model_new (self, self->stream);
}

static void
confab_account_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ConfabAccount *self = CONFAB_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_JID:
      g_value_set_boxed (value, confab_account_get_jid (self));
      break;

    case PROP_ENABLED:
      g_value_set_boolean (value, confab_account_get_enabled (self));
      break;

    case PROP_STATE:
      g_value_set_enum (value, confab_account_get_state (self));
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, confab_account_get_error_message (self));
      break;

    case PROP_HOST:
      g_value_set_string (value, confab_account_get_host (self));
      break;

    case PROP_PORT:
      g_value_set_uint (value, confab_account_get_port (self));
      break;

    case PROP_DIRECT_TLS:
      g_value_set_boolean (value, confab_account_get_direct_tls (self));
      break;

    case PROP_OWN_PRESENCE:
      g_value_set_enum (value, self->own_presence);
      break;

    case PROP_OWN_STATUS:
      g_value_set_string (value, self->own_status);
      break;

    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_account_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ConfabAccount *self = CONFAB_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_JID:
      {
        ConfabJid *jid = g_value_get_boxed (value);

        g_return_if_fail (jid != NULL);
        /* An account is its bare JID; the resource is the server's choice. */
        self->jid = confab_jid_get_bare (jid);
      }
      break;

    case PROP_ENABLED:
      confab_account_set_enabled (self, g_value_get_boolean (value));
      break;

    case PROP_HOST:
      confab_account_set_host (self, g_value_get_string (value));
      break;

    case PROP_PORT:
      confab_account_set_port (self, g_value_get_uint (value));
      break;

    case PROP_DIRECT_TLS:
      confab_account_set_direct_tls (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_account_class_init (ConfabAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = confab_account_constructed;
  object_class->dispose = confab_account_dispose;
  object_class->finalize = confab_account_finalize;
  object_class->get_property = confab_account_get_property;
  object_class->set_property = confab_account_set_property;

  /**
   * ConfabAccount:jid:
   *
   * The account's bare JID.
   */
  properties[PROP_JID] =
    g_param_spec_boxed ("jid", NULL, NULL, CONFAB_TYPE_JID,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * ConfabAccount:enabled:
   *
   * Whether the user wants this account connected.
   */
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ConfabAccount:state:
   *
   * Offline, connecting (or waiting to retry), online, or in error.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, CONFAB_TYPE_ACCOUNT_STATE,
                       CONFAB_ACCOUNT_STATE_OFFLINE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * ConfabAccount:error-message:
   *
   * Why the account is in the error state, for the user.
   */
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * ConfabAccount:host:
   *
   * Server host to connect to instead of the DNS SRV lookup, or %NULL.
   */
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ConfabAccount:port:
   *
   * Port for :host (0: the default).
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ConfabAccount:direct-tls:
   *
   * Whether to start with TLS (XEP-0368) instead of STARTTLS.
   */
  properties[PROP_DIRECT_TLS] =
    g_param_spec_boolean ("direct-tls", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ConfabAccount:own-presence:
   *
   * What the user chose to show (see confab_account_set_own_presence()).
   */
  properties[PROP_OWN_PRESENCE] =
    g_param_spec_enum ("own-presence", NULL, NULL, CONFAB_TYPE_ACCOUNT_PRESENCE,
                       CONFAB_ACCOUNT_PRESENCE_AVAILABLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ConfabAccount:own-status:
   *
   * The user's status message, or %NULL.
   */
  properties[PROP_OWN_STATUS] =
    g_param_spec_string ("own-status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ConfabAccount:ca-file:
   *
   * A PEM file that is the only trust anchor of this account, or %NULL.
   */
  properties[PROP_CA_FILE] =
    g_param_spec_string ("ca-file", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ConfabAccount::connect-requested:
   *
   * The account wants to connect again (the user trusted a certificate or
   * chose a presence while offline); ConfabAccountManager answers with the
   * password from the secret store.
   */
  signals[CONNECT_REQUESTED] =
    g_signal_new ("connect-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
confab_account_init (ConfabAccount *self)
{
  self->enabled = TRUE;
  self->state = CONFAB_ACCOUNT_STATE_OFFLINE;
}

ConfabAccount *
confab_account_new (ConfabJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);

  return g_object_new (CONFAB_TYPE_ACCOUNT, "jid", jid, NULL);
}

ConfabJid *
confab_account_get_jid (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->jid;
}

ConfabAccountState
confab_account_get_state (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), CONFAB_ACCOUNT_STATE_OFFLINE);
  return self->state;
}

const char *
confab_account_get_error_message (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->error_message;
}

ConfabXmppStream *
confab_account_get_stream (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->stream;
}

ConfabXmppReconnector *
confab_account_get_reconnector (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->reconnector;
}

gboolean
confab_account_get_enabled (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), FALSE);
  return self->enabled;
}

void
confab_account_set_enabled (ConfabAccount *self,
                            gboolean       enabled)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));

  if (self->enabled == !!enabled)
    return;
  self->enabled = !!enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

const char *
confab_account_get_host (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->host;
}

void
confab_account_set_host (ConfabAccount *self,
                         const char    *host)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));

  if (host != NULL && *host == '\0')
    host = NULL;
  if (g_strcmp0 (self->host, host) == 0)
    return;
  g_free (self->host);
  self->host = g_strdup (host);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
}

guint
confab_account_get_port (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), 0);
  return self->port;
}

void
confab_account_set_port (ConfabAccount *self,
                         guint          port)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  g_return_if_fail (port <= G_MAXUINT16);

  if (self->port == port)
    return;
  self->port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

gboolean
confab_account_get_direct_tls (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), FALSE);
  return self->direct_tls;
}

void
confab_account_set_direct_tls (ConfabAccount *self,
                               gboolean       direct_tls)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));

  if (self->direct_tls == !!direct_tls)
    return;
  self->direct_tls = !!direct_tls;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECT_TLS]);
}

void
confab_account_set_tls_database (ConfabAccount *self,
                                 GTlsDatabase  *database)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  g_set_object (&self->base_tls_database, database);
  /* A private CA stays the only anchor. */
  confab_xmpp_stream_set_tls_database (self->stream,
                                       self->ca_database != NULL ? self->ca_database : database);
}

void
confab_account_set_database (ConfabAccount  *self,
                             ConfabDatabase *database,
                             gint64          row_id)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  g_return_if_fail (database == NULL || CONFAB_IS_DATABASE (database));

  g_set_weak_pointer (&self->database, database);
  self->row_id = row_id;
}

gint64
confab_account_get_row_id (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), 0);
  return self->row_id;
}

void
confab_account_connect (ConfabAccount *self,
                        const char    *password)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  g_return_if_fail (password != NULL);

  if (!confab_account_prepare_tls (self, NULL))
    {
      /* Never the system's anchors instead of the chosen CA. */
      _confab_account_set_error_full (self, self->ca_error);
      return;
    }

  confab_xmpp_stream_set_host (self->stream, self->host, (guint16) self->port);
  confab_xmpp_stream_set_direct_tls (self->stream, self->direct_tls);

  /* Connecting means being seen again (OFFLINE is "disconnected"). */
  if (self->own_presence == CONFAB_ACCOUNT_PRESENCE_OFFLINE)
    {
      self->own_presence = CONFAB_ACCOUNT_PRESENCE_AVAILABLE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWN_PRESENCE]);
    }

  self->wanted = TRUE;
  set_state (self, CONFAB_ACCOUNT_STATE_CONNECTING, NULL);
  wipe_password (&self->password_after_close);
  if (confab_xmpp_stream_get_state (self->stream) == CONFAB_XMPP_STREAM_STATE_CLOSING)
    self->password_after_close = g_strdup (password);
  else
    confab_xmpp_reconnector_start (self->reconnector, password);
  update_state_from_stream (self);
}

void
confab_account_disconnect (ConfabAccount *self)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));

  /* RFC 6121 §4.5: unavailable before closing, so contacts see us leave. */
  if (confab_xmpp_stream_get_state (self->stream) == CONFAB_XMPP_STREAM_STATE_BOUND)
    {
      ConfabXmppPresence *presence =
        (ConfabXmppPresence *) confab_xmpp_stream_get_module (self->stream, CONFAB_TYPE_XMPP_PRESENCE);

      if (presence != NULL)
        confab_xmpp_presence_send_unavailable (presence,
                                               self->own_presence == CONFAB_ACCOUNT_PRESENCE_OFFLINE
                                               ? self->own_status : NULL);
    }

  self->wanted = FALSE;
  wipe_password (&self->password_after_close);
  confab_xmpp_reconnector_stop (self->reconnector);
  if (confab_xmpp_stream_get_state (self->stream) != CONFAB_XMPP_STREAM_STATE_DISCONNECTED)
    confab_xmpp_stream_close_async (self->stream, NULL, closed_cb, g_object_ref (self));
  set_state (self, CONFAB_ACCOUNT_STATE_OFFLINE, NULL);
}

void
confab_account_set_error (ConfabAccount *self,
                          const char    *message)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  g_return_if_fail (message != NULL);

  self->wanted = FALSE;
  wipe_password (&self->password_after_close);
  confab_xmpp_reconnector_stop (self->reconnector);
  set_state (self, CONFAB_ACCOUNT_STATE_ERROR, message);
}

void
_confab_account_set_error_full (ConfabAccount *self,
                                const GError  *error)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  g_return_if_fail (error != NULL);

  self->wanted = FALSE;
  wipe_password (&self->password_after_close);
  confab_xmpp_reconnector_stop (self->reconnector);
  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  set_state (self, CONFAB_ACCOUNT_STATE_ERROR, error->message);
}

void
confab_account_set_own_presence (ConfabAccount         *self,
                                 ConfabAccountPresence  presence,
                                 const char            *status)
{
  gboolean was_offline;

  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  g_return_if_fail (presence <= CONFAB_ACCOUNT_PRESENCE_OFFLINE);

  if (status != NULL && *status == '\0')
    status = NULL;
  was_offline = self->own_presence == CONFAB_ACCOUNT_PRESENCE_OFFLINE;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->own_presence != presence)
    {
      self->own_presence = presence;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWN_PRESENCE]);
    }
  if (g_strcmp0 (self->own_status, status) != 0)
    {
      g_free (self->own_status);
      self->own_status = g_strdup (status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OWN_STATUS]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  if (presence == CONFAB_ACCOUNT_PRESENCE_OFFLINE)
    {
      /* Unavailable presence (with the status), then close. */
      if (self->wanted || self->state != CONFAB_ACCOUNT_STATE_OFFLINE)
        confab_account_disconnect (self);
      return;
    }

  if (confab_xmpp_stream_get_state (self->stream) == CONFAB_XMPP_STREAM_STATE_BOUND)
    send_own_presence (self);
  else if ((was_offline || self->state == CONFAB_ACCOUNT_STATE_OFFLINE) && self->enabled
           && !self->wanted)
    g_signal_emit (self, signals[CONNECT_REQUESTED], 0);
}

ConfabAccountPresence
confab_account_get_own_presence (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), CONFAB_ACCOUNT_PRESENCE_OFFLINE);
  return self->own_presence;
}

const char *
confab_account_get_own_status (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->own_status;
}

ConfabRosterModel *
confab_account_get_roster (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->roster;
}

ConfabAccountSync *
confab_account_get_sync (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->sync;
}

void
_confab_account_set_sync (ConfabAccount     *self,
                          ConfabAccountSync *sync)
{
  g_return_if_fail (CONFAB_IS_ACCOUNT (self));

  g_set_object (&self->sync, sync);
  if (sync != NULL)
    confab_account_sync_set_roster (sync, self->roster);
}

const GError *
confab_account_get_error (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->state == CONFAB_ACCOUNT_STATE_ERROR ? self->error : NULL;
}

void
confab_account_trust_certificate (ConfabAccount   *self,
                                  GTlsCertificate *certificate)
{
  g_autofree char *fingerprint = NULL;
  const char * const *pins;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) new_pins = NULL;

  g_return_if_fail (CONFAB_IS_ACCOUNT (self));
  g_return_if_fail (G_IS_TLS_CERTIFICATE (certificate));

  fingerprint = confab_xmpp_certificate_fingerprint (certificate);
  if (fingerprint == NULL)
    return;
  pins = confab_xmpp_stream_get_pinned_certificates (self->stream);
  if (pins == NULL || !g_strv_contains (pins, fingerprint))
    {
      builder = g_strv_builder_new ();
      if (pins != NULL)
        g_strv_builder_addv (builder, (const char **) pins);
      g_strv_builder_add (builder, fingerprint);
      new_pins = g_strv_builder_end (builder);
      /* notify::pinned-certificates writes them to the accounts row. */
      confab_xmpp_stream_set_pinned_certificates (self->stream, (const char * const *) new_pins);
    }

  /* The user acted on the error: try again now. */
  if (self->state == CONFAB_ACCOUNT_STATE_ERROR)
    set_state (self, CONFAB_ACCOUNT_STATE_OFFLINE, NULL);
  if (self->enabled && !self->wanted)
    g_signal_emit (self, signals[CONNECT_REQUESTED], 0);
}

const char *
confab_account_get_ca_file (ConfabAccount *self)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), NULL);
  return self->ca_file;
}

static gboolean
save_ca_file (ConfabAccount  *self,
              const char     *ca_file,
              GError        **error)
{
  sqlite3_stmt *stmt;

  if (self->database == NULL || self->row_id == 0)
    return TRUE;
  stmt = confab_database_prepare (self->database,
                                  "UPDATE accounts SET ca_file = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  if (ca_file != NULL)
    sqlite3_bind_text (stmt, 1, ca_file, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 1);
  sqlite3_bind_int64 (stmt, 2, self->row_id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      confab_database_set_error (confab_database_get_handle (self->database),
                                 "Could not save the CA file", error);
      sqlite3_reset (stmt);
      return FALSE;
    }
  sqlite3_reset (stmt);
  return TRUE;
}

static void
apply_ca (ConfabAccount *self,
          const char    *ca_file,
          GTlsDatabase  *database,
          const GError  *load_error)
{
  self->ca_pending = FALSE;
  g_clear_error (&self->ca_error);
  if (ca_file != NULL && database == NULL)
    self->ca_error = load_error != NULL ? g_error_copy (load_error)
                                        : g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                       "The CA file %s cannot be read", ca_file);
  g_set_object (&self->ca_database, database);
  confab_xmpp_stream_set_tls_database (self->stream,
                                       database != NULL ? database : self->base_tls_database);
  if (g_strcmp0 (self->ca_file, ca_file) != 0)
    {
      g_free (self->ca_file);
      self->ca_file = g_strdup (ca_file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE]);
    }
}

/* Takes @ca_file as the account's only trust anchor without saving it
 * (used when loading the accounts table). The file is parsed when the
 * account first connects: that loads the TLS library, which need not slow
 * down the start of the app. A file that is gone fails now; either way
 * the account then refuses to connect rather than fall back to other
 * anchors. */
gboolean
_confab_account_load_ca_file (ConfabAccount  *self,
                              const char     *ca_file,
                              GError        **error)
{
  if (ca_file != NULL && *ca_file == '\0')
    ca_file = NULL;
  if (ca_file != NULL && !g_file_test (ca_file, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr(GError) local_error = g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                                   "The CA file %s cannot be read", ca_file);

      apply_ca (self, ca_file, NULL, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* The base anchors stay with the stream until the file is parsed:
   * confab_account_prepare_tls() comes before any connection. */
  apply_ca (self, NULL, NULL, NULL);
  if (ca_file != NULL)
    {
      self->ca_file = g_strdup (ca_file);
      self->ca_pending = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CA_FILE]);
    }
  return TRUE;
}

gboolean
confab_account_prepare_tls (ConfabAccount  *self,
                            GError        **error)
{
  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), FALSE);

  if (self->ca_pending)
    {
      g_autoptr(GTlsDatabase) database = NULL;
      g_autoptr(GError) load_error = NULL;
      g_autofree char *ca_file = g_strdup (self->ca_file);

      database = g_tls_file_database_new (ca_file, &load_error);
      apply_ca (self, ca_file, database, load_error);
    }
  if (self->ca_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->ca_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
confab_account_set_ca_file (ConfabAccount  *self,
                            const char     *ca_file,
                            GError        **error)
{
  g_autofree char *absolute = NULL;

  g_return_val_if_fail (CONFAB_IS_ACCOUNT (self), FALSE);

  if (ca_file != NULL && *ca_file != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (ca_file);

      absolute = g_file_get_path (file);
      if (absolute == NULL)
        {
          g_set_error (error, CONFAB_CORE_ERROR, CONFAB_CORE_ERROR_INVALID,
                       "“%s” is not a local file", ca_file);
          return FALSE;
        }
    }
  /* Loaded first: an unreadable file changes nothing. */
  if (absolute != NULL)
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (absolute, error);

      if (database == NULL)
        return FALSE;
      if (!save_ca_file (self, absolute, error))
        return FALSE;
      apply_ca (self, absolute, database, NULL);
      return TRUE;
    }
  if (!save_ca_file (self, NULL, error))
    return FALSE;
  apply_ca (self, NULL, NULL, NULL);
  return TRUE;
}
