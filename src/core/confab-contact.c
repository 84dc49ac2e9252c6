/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-account.h"
#include "confab-contact-private.h"

struct _ConfabContact
{
  GObject                 parent_instance;

  ConfabAccount          *account;    /* weak: the account owns the roster */
  char                   *jid;
  char                   *name;
  char                   *sort_key;   /* casefolded display name */
  char                  **groups;
  ConfabXmppSubscription  subscription;
  gboolean                ask;
  gboolean                in_roster;
  gboolean                blocked;
  GPtrArray              *resources;  /* of ConfabXmppPresenceInfo, best first */
};

G_DEFINE_FINAL_TYPE (ConfabContact, confab_contact, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_JID,
  PROP_NAME,
  PROP_DISPLAY_NAME,
  PROP_GROUPS,
  PROP_SUBSCRIPTION,
  PROP_ASK,
  PROP_IN_ROSTER,
  PROP_AVAILABLE,
  PROP_SHOW,
  PROP_STATUS,
  PROP_BLOCKED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
confab_contact_dispose (GObject *object)
{
  ConfabContact *self = CONFAB_CONTACT (object);

  g_clear_weak_pointer (&self->account);
  G_OBJECT_CLASS (confab_contact_parent_class)->dispose (object);
}

static void
confab_contact_finalize (GObject *object)
{
  ConfabContact *self = CONFAB_CONTACT (object);

  g_free (self->jid);
  g_free (self->name);
  g_free (self->sort_key);
  g_strfreev (self->groups);
  g_ptr_array_unref (self->resources);

  G_OBJECT_CLASS (confab_contact_parent_class)->finalize (object);
}

static void
confab_contact_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ConfabContact *self = CONFAB_CONTACT (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_JID:
      g_value_set_string (value, self->jid);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, confab_contact_get_display_name (self));
      break;
    case PROP_GROUPS:
      g_value_set_boxed (value, confab_contact_get_groups (self));
      break;
    case PROP_SUBSCRIPTION:
      g_value_set_enum (value, self->subscription);
      break;
    case PROP_ASK:
      g_value_set_boolean (value, self->ask);
      break;
    case PROP_IN_ROSTER:
      g_value_set_boolean (value, self->in_roster);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, confab_contact_get_available (self));
      break;
    case PROP_SHOW:
      g_value_set_enum (value, confab_contact_get_show (self));
      break;
    case PROP_STATUS:
      g_value_set_string (value, confab_contact_get_status (self));
      break;
    case PROP_BLOCKED:
      g_value_set_boolean (value, self->blocked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_contact_class_init (ConfabContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = confab_contact_dispose;
  object_class->finalize = confab_contact_finalize;
  object_class->get_property = confab_contact_get_property;

  /** ConfabContact:account: the account whose roster this is. */
  properties[PROP_ACCOUNT] = g_param_spec_object ("account", NULL, NULL, CONFAB_TYPE_ACCOUNT, flags);
  /** ConfabContact:jid: the bare JID. */
  properties[PROP_JID] = g_param_spec_string ("jid", NULL, NULL, NULL, flags);
  /** ConfabContact:name: the roster name (RFC 6121 §2.1.2.4), or NULL. */
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /** ConfabContact:display-name: the name, else the JID. */
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, flags);
  /** ConfabContact:groups: the roster groups (never NULL). */
  properties[PROP_GROUPS] = g_param_spec_boxed ("groups", NULL, NULL, G_TYPE_STRV, flags);
  /** ConfabContact:subscription: RFC 6121 §2.1.2.5. */
  properties[PROP_SUBSCRIPTION] =
    g_param_spec_enum ("subscription", NULL, NULL, CONFAB_TYPE_XMPP_SUBSCRIPTION,
                       CONFAB_XMPP_SUBSCRIPTION_NONE, flags);
  /** ConfabContact:ask: our subscription request is pending. */
  properties[PROP_ASK] = g_param_spec_boolean ("ask", NULL, NULL, FALSE, flags);
  /** ConfabContact:in-roster: FALSE for a stranger's request only. */
  properties[PROP_IN_ROSTER] = g_param_spec_boolean ("in-roster", NULL, NULL, FALSE, flags);
  /** ConfabContact:available: any resource online. */
  properties[PROP_AVAILABLE] = g_param_spec_boolean ("available", NULL, NULL, FALSE, flags);
  /** ConfabContact:show: the best resource's availability. */
  properties[PROP_SHOW] =
    g_param_spec_enum ("show", NULL, NULL, CONFAB_TYPE_XMPP_PRESENCE_SHOW,
                       CONFAB_XMPP_PRESENCE_SHOW_NONE, flags);
  /** ConfabContact:status: the best resource's status text (network text). */
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  /** ConfabContact:blocked: on our XEP-0191 blocklist. */
  properties[PROP_BLOCKED] = g_param_spec_boolean ("blocked", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_contact_init (ConfabContact *self)
{
  self->resources = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_presence_info_unref);
}

static void
update_sort_key (ConfabContact *self)
{
  g_free (self->sort_key);
  self->sort_key = g_utf8_casefold (confab_contact_get_display_name (self), -1);
}

ConfabContact *
_confab_contact_new (ConfabAccount *account,
                     const char    *bare_jid)
{
  ConfabContact *self = g_object_new (CONFAB_TYPE_CONTACT, NULL);

  g_set_weak_pointer (&self->account, account);
  self->jid = g_strdup (bare_jid);
  update_sort_key (self);
  return self;
}

gboolean
_confab_contact_set_item (ConfabContact        *self,
                          ConfabXmppRosterItem *item)
{
  GObject *object = G_OBJECT (self);
  const char *name = NULL;
  const char * const *groups = NULL;
  ConfabXmppSubscription subscription = CONFAB_XMPP_SUBSCRIPTION_NONE;
  gboolean ask = FALSE;
  gboolean name_changed = FALSE;

  if (item != NULL)
    {
      name = confab_xmpp_roster_item_get_name (item);
      groups = confab_xmpp_roster_item_get_groups (item);
      subscription = confab_xmpp_roster_item_get_subscription (item);
      ask = confab_xmpp_roster_item_get_ask_subscribe (item);
      if (subscription == CONFAB_XMPP_SUBSCRIPTION_REMOVE)
        {
          item = NULL;
          name = NULL;
          groups = NULL;
          subscription = CONFAB_XMPP_SUBSCRIPTION_NONE;
          ask = FALSE;
        }
    }
  if (name != NULL && *name == '\0')
    name = NULL;

  g_object_freeze_notify (object);
  if (g_strcmp0 (self->name, name) != 0)
    {
      g_free (self->name);
      self->name = g_strdup (name);
      update_sort_key (self);
      name_changed = TRUE;
      g_object_notify_by_pspec (object, properties[PROP_NAME]);
      g_object_notify_by_pspec (object, properties[PROP_DISPLAY_NAME]);
    }
  if (!g_strv_equal (confab_contact_get_groups (self),
                     groups != NULL ? groups : (const char * const[]) { NULL }))
    {
      g_strfreev (self->groups);
      self->groups = groups != NULL && groups[0] != NULL ? g_strdupv ((char **) groups) : NULL;
      g_object_notify_by_pspec (object, properties[PROP_GROUPS]);
    }
  if (self->subscription != subscription)
    {
      self->subscription = subscription;
      g_object_notify_by_pspec (object, properties[PROP_SUBSCRIPTION]);
    }
  if (self->ask != ask)
    {
      self->ask = ask;
      g_object_notify_by_pspec (object, properties[PROP_ASK]);
    }
  if (self->in_roster != (item != NULL))
    {
      self->in_roster = item != NULL;
      g_object_notify_by_pspec (object, properties[PROP_IN_ROSTER]);
    }
  g_object_thaw_notify (object);
  return name_changed;
}

void
_confab_contact_set_resources (ConfabContact *self,
                               GPtrArray     *resources)
{
  GObject *object = G_OBJECT (self);
  gboolean was_available = confab_contact_get_available (self);
  ConfabXmppPresenceShow old_show = confab_contact_get_show (self);
  g_autofree char *old_status = g_strdup (confab_contact_get_status (self));

  g_ptr_array_set_size (self->resources, 0);
  for (guint i = 0; resources != NULL && i < resources->len; i++)
    {
      ConfabXmppPresenceInfo *info = g_ptr_array_index (resources, i);

      if (confab_xmpp_presence_info_get_available (info))
        g_ptr_array_add (self->resources, confab_xmpp_presence_info_ref (info));
    }

  g_object_freeze_notify (object);
  if (was_available != confab_contact_get_available (self))
    g_object_notify_by_pspec (object, properties[PROP_AVAILABLE]);
  if (old_show != confab_contact_get_show (self))
    g_object_notify_by_pspec (object, properties[PROP_SHOW]);
  if (g_strcmp0 (old_status, confab_contact_get_status (self)) != 0)
    g_object_notify_by_pspec (object, properties[PROP_STATUS]);
  g_object_thaw_notify (object);
}

void
_confab_contact_set_blocked (ConfabContact *self,
                             gboolean       blocked)
{
  if (self->blocked == !!blocked)
    return;
  self->blocked = !!blocked;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BLOCKED]);
}

int
_confab_contact_compare (ConfabContact *a,
                         ConfabContact *b)
{
  int result = strcmp (a->sort_key, b->sort_key);

  return result != 0 ? result : strcmp (a->jid, b->jid);
}

ConfabAccount *
confab_contact_get_account (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), NULL);
  return self->account;
}

const char *
confab_contact_get_jid (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), NULL);
  return self->jid;
}

const char *
confab_contact_get_name (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), NULL);
  return self->name;
}

const char *
confab_contact_get_display_name (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), NULL);
  return self->name != NULL ? self->name : self->jid;
}

const char * const *
confab_contact_get_groups (ConfabContact *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (CONFAB_IS_CONTACT (self), empty);
  return self->groups != NULL ? (const char * const *) self->groups : empty;
}

ConfabXmppSubscription
confab_contact_get_subscription (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), CONFAB_XMPP_SUBSCRIPTION_NONE);
  return self->subscription;
}

gboolean
confab_contact_get_ask (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), FALSE);
  return self->ask;
}

gboolean
confab_contact_get_in_roster (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), FALSE);
  return self->in_roster;
}

gboolean
confab_contact_get_available (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), FALSE);
  return self->resources->len > 0;
}

ConfabXmppPresenceShow
confab_contact_get_show (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), CONFAB_XMPP_PRESENCE_SHOW_NONE);
  if (self->resources->len == 0)
    return CONFAB_XMPP_PRESENCE_SHOW_NONE;
  return confab_xmpp_presence_info_get_show (g_ptr_array_index (self->resources, 0));
}

const char *
confab_contact_get_status (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), NULL);
  if (self->resources->len == 0)
    return NULL;
  return confab_xmpp_presence_info_get_status (g_ptr_array_index (self->resources, 0));
}

gboolean
confab_contact_get_blocked (ConfabContact *self)
{
  g_return_val_if_fail (CONFAB_IS_CONTACT (self), FALSE);
  return self->blocked;
}

GPtrArray *
confab_contact_list_resources (ConfabContact *self)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify) confab_xmpp_presence_info_unref);

  g_return_val_if_fail (CONFAB_IS_CONTACT (self), copy);
  for (guint i = 0; i < self->resources->len; i++)
    g_ptr_array_add (copy, confab_xmpp_presence_info_ref (g_ptr_array_index (self->resources, i)));
  return copy;
}
