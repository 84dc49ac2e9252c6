/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "confab-message-item-private.h"

struct _ConfabMessageItem
{
  GObject                 parent_instance;

  gint64                  id;
  ConfabHistoryDirection  direction;
  char                   *sender;
  gint64                  timestamp;
  char                   *body;
  ConfabHistoryState      state;
  gboolean                edited;
  gboolean                retracted;
  char                   *origin_id;
  char                   *reply_to;
  char                   *reply_body;
  char                   *reply_sender;
  char                  **reactions;
};

G_DEFINE_FINAL_TYPE (ConfabMessageItem, confab_message_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DIRECTION,
  PROP_SENDER,
  PROP_TIMESTAMP,
  PROP_BODY,
  PROP_STATE,
  PROP_EDITED,
  PROP_RETRACTED,
  PROP_ORIGIN_ID,
  PROP_REPLY_TO,
  PROP_REPLY_BODY,
  PROP_REPLY_SENDER,
  PROP_REACTIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
confab_message_item_finalize (GObject *object)
{
  ConfabMessageItem *self = CONFAB_MESSAGE_ITEM (object);

  g_free (self->sender);
  g_free (self->body);
  g_free (self->origin_id);
  g_free (self->reply_to);
  g_free (self->reply_body);
  g_free (self->reply_sender);
  g_strfreev (self->reactions);

  G_OBJECT_CLASS (confab_message_item_parent_class)->finalize (object);
}

static void
confab_message_item_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ConfabMessageItem *self = CONFAB_MESSAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_DIRECTION:
      g_value_set_int (value, self->direction);
      break;
    case PROP_SENDER:
      g_value_set_string (value, self->sender);
      break;
    case PROP_TIMESTAMP:
      g_value_set_int64 (value, self->timestamp);
      break;
    case PROP_BODY:
      g_value_set_string (value, self->body);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_EDITED:
      g_value_set_boolean (value, self->edited);
      break;
    case PROP_RETRACTED:
      g_value_set_boolean (value, self->retracted);
      break;
    case PROP_ORIGIN_ID:
      g_value_set_string (value, self->origin_id);
      break;
    case PROP_REPLY_TO:
      g_value_set_string (value, self->reply_to);
      break;
    case PROP_REPLY_BODY:
      g_value_set_string (value, self->reply_body);
      break;
    case PROP_REPLY_SENDER:
      g_value_set_string (value, self->reply_sender);
      break;
    case PROP_REACTIONS:
      g_value_set_boxed (value, confab_message_item_get_reactions (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
confab_message_item_class_init (ConfabMessageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = confab_message_item_finalize;
  object_class->get_property = confab_message_item_get_property;

  /** ConfabMessageItem:id: the history row id. */
  properties[PROP_ID] = g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /** ConfabMessageItem:direction: a ConfabHistoryDirection. */
  properties[PROP_DIRECTION] = g_param_spec_int ("direction", NULL, NULL, 0, 1, 0, flags);
  /** ConfabMessageItem:sender: bare JID (chats) or occupant JID. */
  properties[PROP_SENDER] = g_param_spec_string ("sender", NULL, NULL, NULL, flags);
  /** ConfabMessageItem:timestamp: µs since the epoch. */
  properties[PROP_TIMESTAMP] = g_param_spec_int64 ("timestamp", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  /** ConfabMessageItem:body: the latest text; NULL when retracted. */
  properties[PROP_BODY] = g_param_spec_string ("body", NULL, NULL, NULL, flags);
  /** ConfabMessageItem:state: a ConfabHistoryState. */
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, CONFAB_HISTORY_STATE_READ, 0, flags);
  /** ConfabMessageItem:edited: corrected at least once (XEP-0308). */
  properties[PROP_EDITED] = g_param_spec_boolean ("edited", NULL, NULL, FALSE, flags);
  /** ConfabMessageItem:retracted: retracted (XEP-0424). */
  properties[PROP_RETRACTED] = g_param_spec_boolean ("retracted", NULL, NULL, FALSE, flags);
  /** ConfabMessageItem:origin-id: the id peers refer to. */
  properties[PROP_ORIGIN_ID] = g_param_spec_string ("origin-id", NULL, NULL, NULL, flags);
  /** ConfabMessageItem:reply-to: the id replied to (XEP-0461). */
  properties[PROP_REPLY_TO] = g_param_spec_string ("reply-to", NULL, NULL, NULL, flags);
  /** ConfabMessageItem:reply-body: the text replied to, if stored. */
  properties[PROP_REPLY_BODY] = g_param_spec_string ("reply-body", NULL, NULL, NULL, flags);
  /** ConfabMessageItem:reply-sender: the author of the message replied to. */
  properties[PROP_REPLY_SENDER] = g_param_spec_string ("reply-sender", NULL, NULL, NULL, flags);
  /** ConfabMessageItem:reactions: pairs sender, emoji (XEP-0444). */
  properties[PROP_REACTIONS] = g_param_spec_boxed ("reactions", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
confab_message_item_init (ConfabMessageItem *self)
{
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

ConfabMessageItem *
_confab_message_item_new (const ConfabHistoryMessage *message,
                          const char                 *reply_body,
                          const char                 *reply_sender,
                          const char * const         *reactions)
{
  ConfabMessageItem *self = g_object_new (CONFAB_TYPE_MESSAGE_ITEM, NULL);

  self->id = message->id;
  self->direction = message->direction;
  self->sender = g_strdup (message->sender);
  self->timestamp = message->timestamp;
  self->body = g_strdup (message->body);
  self->state = message->state;
  self->edited = message->edited;
  self->retracted = message->retracted;
  self->origin_id = g_strdup (message->origin_id);
  self->reply_to = g_strdup (message->reply_to);
  self->reply_body = g_strdup (reply_body);
  self->reply_sender = g_strdup (reply_sender);
  self->reactions = reactions != NULL && reactions[0] != NULL ? g_strdupv ((char **) reactions) : NULL;
  return self;
}

void
_confab_message_item_update (ConfabMessageItem          *self,
                             const ConfabHistoryMessage *message,
                             const char                 *reply_body,
                             const char                 *reply_sender,
                             const char * const         *reactions)
{
  GObject *object = G_OBJECT (self);

  g_return_if_fail (CONFAB_IS_MESSAGE_ITEM (self));
  g_return_if_fail (message->id == self->id);

  g_object_freeze_notify (object);
  if (set_string (&self->body, message->body))
    g_object_notify_by_pspec (object, properties[PROP_BODY]);
  if (self->state != message->state)
    {
      self->state = message->state;
      g_object_notify_by_pspec (object, properties[PROP_STATE]);
    }
  if (self->edited != message->edited)
    {
      self->edited = message->edited;
      g_object_notify_by_pspec (object, properties[PROP_EDITED]);
    }
  if (self->retracted != message->retracted)
    {
      self->retracted = message->retracted;
      g_object_notify_by_pspec (object, properties[PROP_RETRACTED]);
    }
  if (self->timestamp != message->timestamp)
    {
      self->timestamp = message->timestamp;
      g_object_notify_by_pspec (object, properties[PROP_TIMESTAMP]);
    }
  if (set_string (&self->origin_id, message->origin_id))
    g_object_notify_by_pspec (object, properties[PROP_ORIGIN_ID]);
  if (set_string (&self->reply_to, message->reply_to))
    g_object_notify_by_pspec (object, properties[PROP_REPLY_TO]);
  if (set_string (&self->reply_body, reply_body))
    g_object_notify_by_pspec (object, properties[PROP_REPLY_BODY]);
  if (set_string (&self->reply_sender, reply_sender))
    g_object_notify_by_pspec (object, properties[PROP_REPLY_SENDER]);
  if (reactions != NULL && reactions[0] == NULL)
    reactions = NULL;
  if (!g_strv_equal ((const char * const *) (self->reactions ? self->reactions : (char *[]) { NULL }),
                     reactions ? reactions : (const char * const[]) { NULL }))
    {
      g_strfreev (self->reactions);
      self->reactions = reactions != NULL ? g_strdupv ((char **) reactions) : NULL;
      g_object_notify_by_pspec (object, properties[PROP_REACTIONS]);
    }
  g_object_thaw_notify (object);
}

gint64
confab_message_item_get_id (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), 0);
  return self->id;
}

ConfabHistoryDirection
confab_message_item_get_direction (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), CONFAB_HISTORY_DIRECTION_IN);
  return self->direction;
}

const char *
confab_message_item_get_sender (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), NULL);
  return self->sender;
}

gint64
confab_message_item_get_timestamp (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), 0);
  return self->timestamp;
}

const char *
confab_message_item_get_body (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), NULL);
  return self->body;
}

ConfabHistoryState
confab_message_item_get_state (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), CONFAB_HISTORY_STATE_PENDING);
  return self->state;
}

gboolean
confab_message_item_get_edited (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), FALSE);
  return self->edited;
}

gboolean
confab_message_item_get_retracted (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), FALSE);
  return self->retracted;
}

const char *
confab_message_item_get_origin_id (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), NULL);
  return self->origin_id;
}

const char *
confab_message_item_get_reply_to (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), NULL);
  return self->reply_to;
}

const char *
confab_message_item_get_reply_body (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), NULL);
  return self->reply_body;
}

const char *
confab_message_item_get_reply_sender (ConfabMessageItem *self)
{
  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), NULL);
  return self->reply_sender;
}

const char * const *
confab_message_item_get_reactions (ConfabMessageItem *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (CONFAB_IS_MESSAGE_ITEM (self), empty);
  return self->reactions != NULL ? (const char * const *) self->reactions : empty;
}
