/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "confab-xmpp-parser.h"
#include "confab-xmpp-node-private.h"
#include "confab-xmpp-error.h"

#include <stdarg.h>
#include <string.h>

#include <libxml/entities.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

/*
 * How the pieces fit:
 *
 *  bytes ─▶ head check ─▶ UTF-8 check ─▶ 64 KiB slices ─▶ xmlParseChunk ─▶ SAX2 callbacks
 *           (XML decl,     (RFC 6120      (size checked      (libxml2 2.9     (build one tree
 *            BOM, UTF-16)   §11.6)         between slices)    push parser)     per stanza)
 *
 * libxml2 only ever sees valid UTF-8 that starts like UTF-8, so it never
 * switches to another decoder, and it never loads or expands anything: no
 * XML_PARSE_NOENT, no XML_PARSE_DTDLOAD, XML_PARSE_NONET, and every DTD,
 * entity, comment and PI callback is a violation (RFC 6120 §11.1). We do not
 * pass XML_PARSE_HUGE, so libxml2's own limits (10 MB per text or attribute
 * value, 10 MB of lookahead, 50,000-byte names, depth 256) stay in force
 * behind ours; ours are smaller by default and checked first.
 */

#define DEFAULT_MAX_DEPTH         32
#define DEFAULT_MAX_ATTRIBUTES    64
#define DEFAULT_MAX_STANZA_BYTES  (1024 * 1024)

/* Bytes handed to libxml2 at once. The stanza size is checked between
 * slices, so this is how far past the limit a stanza can get before it is
 * rejected; libxml2 never buffers more than the limit plus one slice. */
#define SLICE_BYTES               (64 * 1024)

/* The XML declaration must fit here; real ones are about 40 bytes. */
#define HEAD_BYTES                256

/* libxml2 2.9 checks an element's attributes for duplicates pairwise, so a
 * start tag with n attributes costs O(n²) before we see any of it. When more
 * than GUARD_BYTES of a start tag are buffered unparsed, we count its '='
 * signs ourselves and stop well before that cost matters. */
#define GUARD_BYTES               (16 * 1024)

#define NAME_CACHE_BITS           10
#define NAME_CACHE_SIZE           (1 << NAME_CACHE_BITS)

#define XMLNS_XML ((const xmlChar *) "http://www.w3.org/XML/1998/namespace")

typedef struct {
  const xmlChar *key;     /* a string in the context's dictionary */
  const char    *value;   /* the same, interned in GLib */
} NameCacheEntry;

struct _ConfabXmppParser {
  ConfabXmppParserCallbacks  callbacks;
  gpointer                   user_data;
  ConfabXmppParserLimits     limits;

  xmlParserCtxtPtr           ctxt;      /* created with a document's first byte */
  GError                    *error;     /* the violation; sticky */

  /* The current document. */
  guint                      depth;     /* open elements, the stream's included */
  ConfabXmppNode            *stanza;    /* the top-level element being built */
  ConfabXmppNode            *current;   /* its innermost open element */
  guint64                    fed;       /* bytes handed to libxml2 */
  guint64                    mark;      /* where the next stanza may start */
  guint64                    guard_start;
  guint64                    guard_scanned;
  guint                      guard_equals;
  guint                      utf8_need; /* continuation bytes still due */
  guchar                     utf8_lo;   /* range of the next continuation byte */
  guchar                     utf8_hi;
  gboolean                   head_done;
  guint                      head_len;
  guchar                     head[HEAD_BYTES];

  guint                      in_feed : 1;
  guint                      halted : 1;        /* ignore libxml2 until the next document */
  guint                      reset_pending : 1;

  NameCacheEntry             names[NAME_CACHE_SIZE];
  NameCacheEntry             xml_names[NAME_CACHE_SIZE];
};

static void violation (ConfabXmppParser      *self,
                       ConfabXmppStreamError  code,
                       const char            *format,
                       ...) G_GNUC_PRINTF (3, 4);

/* Stops delivering events from the current document. We never call
 * xmlStopParser() or free the context from inside libxml2: in 2.9 that frees
 * the input buffer while the function that called us may still read it.
 * Setting the same two flags is enough to make xmlParseChunk() return
 * without further callbacks; feed() frees the context afterwards. */
static void
halt (ConfabXmppParser *self)
{
  self->halted = TRUE;
  if (self->ctxt != NULL && self->in_feed)
    {
      self->ctxt->disableSAX = 1;
      self->ctxt->instate = XML_PARSER_EOF;
    }
}

static void
violation (ConfabXmppParser      *self,
           ConfabXmppStreamError  code,
           const char            *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (self->error != NULL || self->reset_pending)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  self->error = g_error_new (CONFAB_XMPP_STREAM_ERROR, code, "%s: %s",
                             confab_xmpp_stream_error_to_condition (code), message);
  halt (self);
}

static inline guint64
position (ConfabXmppParser *self)
{
  long consumed = xmlByteConsumed (self->ctxt);

  return consumed > 0 ? (guint64) consumed : 0;
}

/* Names from libxml2 live in its per-context dictionary, so the same name is
 * the same pointer for the context's lifetime: remember by that pointer
 * whether the name has an interned (canonical) copy. Only pointers the
 * dictionary owns are cached, so a hit needs no string comparison. Names
 * without one are copied into each node, never interned: interned strings
 * are never freed, and the peer chooses these names. */
static inline NameCacheEntry *
cache_entry (NameCacheEntry *table,
             const xmlChar  *name)
{
  guint64 hash = (guint64) (guintptr) name * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);

  return &table[hash >> (64 - NAME_CACHE_BITS)];
}

static const char *
lookup_slow (ConfabXmppParser *self,
             NameCacheEntry   *entry,
             const xmlChar    *name,
             const char       *canonical)
{
  if (xmlDictOwns (self->ctxt->dict, name) == 1)
    {
      entry->key = name;
      entry->value = canonical;
    }
  return canonical;
}

static inline void
lookup (ConfabXmppParser *self,
        const xmlChar    *name,
        ConfabXmppString *out)
{
  NameCacheEntry *entry;

  out->str = (const char *) name;
  out->len = 0;
  if (name == NULL)
    {
      out->canonical = NULL;
      return;
    }

  entry = cache_entry (self->names, name);
  if (G_LIKELY (entry->key == name))
    out->canonical = entry->value;
  else
    out->canonical = lookup_slow (self, entry, name,
                                  _confab_xmpp_node_canonical ((const char *) name));
  if (out->canonical == NULL)
    out->len = strlen ((const char *) name);
}

/* "lang" in the XML namespace becomes "xml:lang": the "xml" prefix is fixed
 * (Namespaces in XML §3), so such attributes keep their qualified name. The
 * qualified name is kept in @scratch when it has no canonical copy. */
static void
lookup_xml (ConfabXmppParser *self,
            const xmlChar    *name,
            ConfabXmppString *out,
            GPtrArray       **scratch)
{
  NameCacheEntry *entry = cache_entry (self->xml_names, name);
  char *qualified = g_strconcat ("xml:", (const char *) name, NULL);

  if (G_LIKELY (entry->key == name))
    out->canonical = entry->value;
  else
    out->canonical = lookup_slow (self, entry, name, _confab_xmpp_node_canonical (qualified));

  out->str = qualified;
  out->len = strlen (qualified);
  if (*scratch == NULL)
    *scratch = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (*scratch, qualified);
}

/* SAX2 callbacks */

/* Without XML_PARSE_NOENT, libxml2 2.9 hands over a '&' that came from
 * &amp;, &#38; or &#x26; in an attribute value (namespace declarations
 * included) as the five bytes "&#38;", for its tree builder to decode later.
 * No other '&' can reach us (a literal one is not well-formed and any other
 * entity is refused), so each "&#38;" is exactly one '&'. */
static const char *
decode_amp (const char  *value,
            gsize       *len,
            GPtrArray  **scratch)
{
  char *decoded = g_malloc (*len + 1);
  gsize n = 0;

  for (gsize j = 0; j < *len; j++)
    {
      decoded[n++] = value[j];
      if (value[j] == '&' && j + 4 < *len && memcmp (value + j + 1, "#38;", 4) == 0)
        j += 4;
    }
  decoded[n] = '\0';
  *len = n;
  if (*scratch == NULL)
    *scratch = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (*scratch, decoded);
  return decoded;
}

/* A namespace name, decoded like an attribute value. */
static void
lookup_ns (ConfabXmppParser  *self,
           const xmlChar     *uri,
           ConfabXmppString  *out,
           GPtrArray        **scratch)
{
  lookup (self, uri, out);
  if (G_UNLIKELY (out->canonical == NULL && out->str != NULL &&
                  memchr (out->str, '&', out->len) != NULL))
    out->str = decode_amp (out->str, &out->len, scratch);
}

static ConfabXmppNode *
build_node (ConfabXmppParser  *self,
            const xmlChar     *localname,
            const xmlChar     *uri,
            int                nb_attributes,
            const xmlChar    **attributes)
{
  /* Name, namespace and value of each attribute, on the stack unless the
   * limits were raised. */
  ConfabXmppString stack_strings[3 * DEFAULT_MAX_ATTRIBUTES];
  g_autofree ConfabXmppString *heap_strings = NULL;
  g_autoptr(GPtrArray) scratch = NULL;
  guint n = nb_attributes > 0 ? (guint) nb_attributes : 0;
  ConfabXmppString *names = stack_strings;
  ConfabXmppString *ns;
  ConfabXmppString *values;
  ConfabXmppString name, uri_string;

  if (n > DEFAULT_MAX_ATTRIBUTES)
    names = heap_strings = g_new (ConfabXmppString, 3 * n);
  ns = names + n;
  values = names + 2 * n;

  /* SAX2 gives five pointers per attribute: localname, prefix, URI, value
   * and the end of the value. */
  for (guint i = 0; i < n; i++)
    {
      const xmlChar **attr = attributes + i * 5;
      const char *value = (const char *) attr[3];
      gsize len = attr[4] - attr[3];

      if (G_LIKELY (attr[2] == NULL))
        {
          lookup (self, attr[0], &names[i]);
          lookup (self, NULL, &ns[i]);
        }
      else if (xmlStrEqual (attr[2], XMLNS_XML))
        {
          lookup_xml (self, attr[0], &names[i], &scratch);
          lookup (self, NULL, &ns[i]);
        }
      else
        {
          lookup (self, attr[0], &names[i]);
          lookup_ns (self, attr[2], &ns[i], &scratch);
        }

      if (G_UNLIKELY (memchr (value, '&', len) != NULL))
        value = decode_amp (value, &len, &scratch);
      values[i].canonical = NULL;
      values[i].str = value;
      values[i].len = len;
    }

  lookup (self, localname, &name);
  lookup_ns (self, uri, &uri_string, &scratch);
  return _confab_xmpp_node_new_sized (&name, &uri_string, n, names, ns, values);
}

static void
start_element_ns (void           *user_data,
                  const xmlChar  *localname,
                  const xmlChar  *prefix G_GNUC_UNUSED,
                  const xmlChar  *uri,
                  int             nb_namespaces G_GNUC_UNUSED,
                  const xmlChar **namespaces G_GNUC_UNUSED,
                  int             nb_attributes,
                  int             nb_defaulted G_GNUC_UNUSED,
                  const xmlChar **attributes)
{
  ConfabXmppParser *self = user_data;
  ConfabXmppNode *node;

  if (G_UNLIKELY (self->halted))
    return;

  /* Policy, not XML: RFC 6120 §4.9.3.12 policy-violation is for "a
   * configured size limit"; restricted-xml (§4.9.3.18) is only for the
   * forbidden features of §11.1, which these are not. */
  if (G_UNLIKELY ((guint) nb_attributes > self->limits.max_attributes))
    {
      violation (self, CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION,
                 "element <%s> has %d attributes, more than %u",
                 (const char *) localname, nb_attributes, self->limits.max_attributes);
      return;
    }

  if (G_UNLIKELY (self->depth == 0))
    {
      /* RFC 6120 §4.8.1: the stream element is <stream> qualified by the
       * streams namespace; the prefix is irrelevant (§4.8.5). */
      if (!xmlStrEqual (localname, (const xmlChar *) "stream") ||
          uri == NULL || !xmlStrEqual (uri, (const xmlChar *) CONFAB_XMPP_NS_STREAM))
        {
          violation (self, CONFAB_XMPP_STREAM_ERROR_INVALID_NAMESPACE,
                     "root element {%s}%s is not {" CONFAB_XMPP_NS_STREAM "}stream",
                     uri != NULL ? (const char *) uri : "", (const char *) localname);
          return;
        }

      node = build_node (self, localname, uri, nb_attributes, attributes);
      self->depth = 1;

      /* A stanza starts after the header's closing '>' (or "/>"). */
      self->mark = position (self);
      if (self->ctxt->input != NULL && self->ctxt->input->cur < self->ctxt->input->end)
        self->mark += self->ctxt->input->cur[0] == '/' ? 2 : 1;

      if (self->callbacks.stream_opened != NULL)
        self->callbacks.stream_opened (node, self->user_data);
      confab_xmpp_node_unref (node);
      return;
    }

  /* The stanza is at depth 1 below the stream. */
  if (G_UNLIKELY (self->depth > self->limits.max_depth))
    {
      violation (self, CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION,
                 "element <%s> is nested %u deep, more than %u",
                 (const char *) localname, self->depth, self->limits.max_depth);
      return;
    }

  node = build_node (self, localname, uri, nb_attributes, attributes);
  if (self->current != NULL)
    confab_xmpp_node_append (self->current, node);
  else
    self->stanza = node;
  self->current = node;
  self->depth++;
}

static void
end_element_ns (void          *user_data,
                const xmlChar *localname G_GNUC_UNUSED,
                const xmlChar *prefix G_GNUC_UNUSED,
                const xmlChar *uri G_GNUC_UNUSED)
{
  ConfabXmppParser *self = user_data;
  ConfabXmppNode *parent;
  ConfabXmppNode *stanza;
  guint64 end;

  if (G_UNLIKELY (self->halted))
    return;

  g_assert (self->depth > 0);

  if (G_UNLIKELY (self->depth == 1))
    {
      /* RFC 6120 §4.4: </stream:stream> closes the stream. */
      self->depth = 0;
      self->mark = position (self);
      if (self->callbacks.stream_closed != NULL)
        self->callbacks.stream_closed (self->user_data);
      return;
    }

  self->depth--;
  parent = confab_xmpp_node_get_parent (self->current);
  if (parent != NULL)
    {
      self->current = parent;
      return;
    }

  stanza = g_steal_pointer (&self->stanza);
  self->current = NULL;

  end = MAX (position (self), self->mark);
  if (G_UNLIKELY (end - self->mark > self->limits.max_stanza_bytes))
    {
      violation (self, CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION,
                 "stanza <%s> of %" G_GUINT64_FORMAT " bytes is larger than %" G_GSIZE_FORMAT,
                 confab_xmpp_node_get_name (stanza), end - self->mark,
                 self->limits.max_stanza_bytes);
      confab_xmpp_node_unref (stanza);
      return;
    }
  self->mark = end;

  if (self->callbacks.stanza != NULL)
    self->callbacks.stanza (stanza, self->user_data);
  confab_xmpp_node_unref (stanza);
}

static void
characters (void          *user_data,
            const xmlChar *ch,
            int            len)
{
  ConfabXmppParser *self = user_data;

  if (G_UNLIKELY (self->halted))
    return;

  if (self->current != NULL)
    confab_xmpp_node_append_text (self->current, (const char *) ch, len);
  else if (self->depth == 1)
    {
      /* Between stanzas: whitespace keepalives (RFC 6120 §4.6.1). Other
       * text there has no meaning in XMPP; it is dropped, never buffered,
       * and does not count towards the next stanza. When @ch points into
       * libxml2's input, the text ends at @ch + @len; otherwise libxml2
       * copied it and its input position is already past it. */
      xmlParserInputPtr input = self->ctxt->input;
      guint64 end;

      if (input != NULL && ch >= input->base && ch + len <= input->end)
        end = position (self) + (ch + len - input->cur);
      else
        end = position (self);
      self->mark = CLAMP (end, self->mark, self->fed);
    }
}

/* RFC 6120 §11.1: no comments, processing instructions, DTD subsets or
 * entity references other than the five predefined ones. */

static void
comment (void          *user_data,
         const xmlChar *value G_GNUC_UNUSED)
{
  violation (user_data, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML,
             "comments are not allowed (RFC 6120 §11.1)");
}

static void
processing_instruction (void          *user_data,
                        const xmlChar *target G_GNUC_UNUSED,
                        const xmlChar *data G_GNUC_UNUSED)
{
  violation (user_data, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML,
             "processing instructions are not allowed (RFC 6120 §11.1)");
}

static void
internal_subset (void          *user_data,
                 const xmlChar *name G_GNUC_UNUSED,
                 const xmlChar *external_id G_GNUC_UNUSED,
                 const xmlChar *system_id G_GNUC_UNUSED)
{
  violation (user_data, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML,
             "document type declarations are not allowed (RFC 6120 §11.1)");
}

static void
external_subset (void          *user_data,
                 const xmlChar *name G_GNUC_UNUSED,
                 const xmlChar *external_id G_GNUC_UNUSED,
                 const xmlChar *system_id G_GNUC_UNUSED)
{
  violation (user_data, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML,
             "external DTD subsets are not allowed (RFC 6120 §11.1)");
}

static xmlEntityPtr
get_entity (void          *user_data,
            const xmlChar *name)
{
  xmlEntityPtr predefined = xmlGetPredefinedEntity (name);

  /* libxml2 resolves the predefined five itself before asking; returning
   * them here too is harmless. Anything else is never looked up, let alone
   * expanded, so entity expansion attacks have nothing to work with. */
  if (predefined != NULL)
    return predefined;

  violation (user_data, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML,
             "entity reference &%s; is not allowed (RFC 6120 §11.1)", (const char *) name);
  return NULL;
}

static xmlEntityPtr
get_parameter_entity (void          *user_data,
                      const xmlChar *name G_GNUC_UNUSED)
{
  violation (user_data, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML,
             "parameter entity references are not allowed (RFC 6120 §11.1)");
  return NULL;
}

static void
entity_decl (void          *user_data,
             const xmlChar *name G_GNUC_UNUSED,
             int            type G_GNUC_UNUSED,
             const xmlChar *public_id G_GNUC_UNUSED,
             const xmlChar *system_id G_GNUC_UNUSED,
             xmlChar       *content G_GNUC_UNUSED)
{
  violation (user_data, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML,
             "entity declarations are not allowed (RFC 6120 §11.1)");
}

static void
reference (void          *user_data,
           const xmlChar *name)
{
  violation (user_data, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML,
             "entity reference &%s; is not allowed (RFC 6120 §11.1)", (const char *) name);
}

static xmlParserInputPtr
resolve_entity (void          *user_data,
                const xmlChar *public_id G_GNUC_UNUSED,
                const xmlChar *system_id G_GNUC_UNUSED)
{
  violation (user_data, CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML,
             "external entities are not allowed (RFC 6120 §11.1)");
  return NULL;
}

/* Errors from libxml2 itself. They reach us through sax->serror, which
 * libxml2 2.9 prefers for the parser, namespace and I/O domains; nothing is
 * printed. Warnings (e.g. a relative namespace URI) are not violations. */
static void
#if LIBXML_VERSION >= 21200
structured_error (void *user_data, const xmlError *error)
#else
structured_error (void *user_data, xmlErrorPtr error)
#endif
{
  ConfabXmppParser *self = user_data;
  ConfabXmppStreamError code = CONFAB_XMPP_STREAM_ERROR_NOT_WELL_FORMED;
  g_autofree char *message = NULL;

  if (self == NULL || error == NULL || error->level < XML_ERR_ERROR)
    return;

  switch (error->code)
    {
    case XML_ERR_UNKNOWN_ENCODING:
    case XML_ERR_UNSUPPORTED_ENCODING:
    case XML_ERR_INVALID_ENCODING:
    case XML_ERR_ENCODING_NAME:
      code = CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING;
      break;

    case XML_NS_ERR_UNDEFINED_NAMESPACE:
      /* RFC 6120 §4.9.3.2: a prefix without a declaration. */
      code = CONFAB_XMPP_STREAM_ERROR_BAD_NAMESPACE_PREFIX;
      break;

    case XML_ERR_ENTITY_LOOP:
    case XML_ERR_ENTITY_PE_INTERNAL:
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
    case XML_ERR_EXT_ENTITY_STANDALONE:
    case XML_ERR_ENTITY_IS_EXTERNAL:
    case XML_ERR_ENTITY_IS_PARAMETER:
      code = CONFAB_XMPP_STREAM_ERROR_RESTRICTED_XML;
      break;

    default:
      break;
    }

  message = g_strchomp (g_strdup (error->message != NULL ? error->message : "parse error"));
  violation (self, code, "line %d: %s", error->line, message);
}

static const xmlSAXHandler sax_handler = {
  .internalSubset = internal_subset,
  .externalSubset = external_subset,
  .getEntity = get_entity,
  .getParameterEntity = get_parameter_entity,
  .entityDecl = entity_decl,
  .resolveEntity = resolve_entity,
  .reference = reference,
  .characters = characters,
  /* Same function, so libxml2 never sets whitespace apart. */
  .ignorableWhitespace = characters,
  /* RFC 6120 §11.1 does not forbid CDATA sections: their content is text. */
  .cdataBlock = characters,
  .comment = comment,
  .processingInstruction = processing_instruction,
  .initialized = XML_SAX2_MAGIC,
  .startElementNs = start_element_ns,
  .endElementNs = end_element_ns,
  .serror = structured_error,
};

/* Documents */

static void
document_clear (ConfabXmppParser *self)
{
  g_assert (!self->in_feed);

  g_clear_pointer (&self->ctxt, xmlFreeParserCtxt);
  g_clear_pointer (&self->stanza, confab_xmpp_node_unref);
  g_clear_error (&self->error);
  self->current = NULL;
  self->depth = 0;
  self->fed = 0;
  self->mark = 0;
  self->guard_start = 0;
  self->guard_scanned = 0;
  self->guard_equals = 0;
  self->utf8_need = 0;
  self->head_done = FALSE;
  self->head_len = 0;
  self->halted = FALSE;
  self->reset_pending = FALSE;
  /* The cache is keyed by pointers into the old context's dictionary. */
  memset (self->names, 0, sizeof self->names);
  memset (self->xml_names, 0, sizeof self->xml_names);
}

static gboolean
ensure_context (ConfabXmppParser *self)
{
  static gsize initialized = 0;

  if (self->ctxt != NULL)
    return TRUE;

  if (g_once_init_enter (&initialized))
    {
      xmlInitParser ();
      g_once_init_leave (&initialized, 1);
    }

  self->ctxt = xmlCreatePushParserCtxt ((xmlSAXHandlerPtr) &sax_handler, self, NULL, 0, NULL);
  if (self->ctxt == NULL)
    {
      violation (self, CONFAB_XMPP_STREAM_ERROR_RESOURCE_CONSTRAINT,
                 "cannot create an XML parser");
      return FALSE;
    }

  /* Not XML_PARSE_NOENT (would substitute entities), not
   * XML_PARSE_DTDLOAD/DTDATTR/DTDVALID (would read a DTD), not
   * XML_PARSE_HUGE (would lift libxml2's own limits). NONET in case anything
   * ever tried to load; IGNORE_ENC so that an encoding declaration can never
   * switch the decoder (we reject those before libxml2 sees them). */
  xmlCtxtUseOptions (self->ctxt,
                     XML_PARSE_NONET | XML_PARSE_IGNORE_ENC |
                     XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  return TRUE;
}

/* RFC 6120 §11.6: UTF-8 only. Returns how many bytes of @data are valid
 * (a sequence cut at the end is valid so far and finished next time); if
 * that is less than @len, the sequence starting there is invalid. The
 * ranges are those of Unicode Table 3-7, so overlong forms, surrogates and
 * code points above U+10FFFF are all rejected. */
static gsize
check_utf8 (ConfabXmppParser *self,
            const guchar     *data,
            gsize             len)
{
  const guchar *p = data;
  const guchar *end = data + len;
  const guchar *sequence = data;
  guint need = self->utf8_need;
  guchar lo = self->utf8_lo;
  guchar hi = self->utf8_hi;

  while (p < end)
    {
      guchar c;

      if (need == 0)
        {
          /* Nearly all XMPP traffic is ASCII: 32 bytes at a time. */
          while (end - p >= 32)
            {
              guint64 w[4];

              memcpy (w, p, sizeof w);
              if ((w[0] | w[1] | w[2] | w[3]) & G_GUINT64_CONSTANT (0x8080808080808080))
                break;
              p += 32;
            }
          while (end - p >= 8)
            {
              guint64 word, high;

              memcpy (&word, p, sizeof word);
              high = word & G_GUINT64_CONSTANT (0x8080808080808080);
              if (high != 0)
                {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
                  /* Skip straight to the first non-ASCII byte. */
                  p += __builtin_ctzll (high) / 8;
#endif
                  break;
                }
              p += 8;
            }
          if (p == end)
            break;

          c = *p;
          if (c < 0x80)
            {
              p++;
              continue;
            }

          sequence = p;
          if (c < 0xC2)
            goto invalid;
          else if (c < 0xE0)
            {
              need = 1;
              lo = 0x80;
              hi = 0xBF;
            }
          else if (c < 0xF0)
            {
              need = 2;
              lo = c == 0xE0 ? 0xA0 : 0x80;
              hi = c == 0xED ? 0x9F : 0xBF;
            }
          else if (c < 0xF5)
            {
              need = 3;
              lo = c == 0xF0 ? 0x90 : 0x80;
              hi = c == 0xF4 ? 0x8F : 0xBF;
            }
          else
            goto invalid;
          p++;
        }
      else
        {
          c = *p;
          if (c < lo || c > hi)
            goto invalid;
          lo = 0x80;
          hi = 0xBF;
          need--;
          p++;
        }
    }

  self->utf8_need = need;
  self->utf8_lo = lo;
  self->utf8_hi = hi;
  return len;

invalid:
  /* Hand libxml2 nothing of the broken sequence. */
  return sequence - data;
}

/* Counts '=' in the unparsed part of libxml2's buffer, once it is large: see
 * GUARD_BYTES. Only a start tag (or a comment or PI, which fail anyway) can
 * stay unparsed that long, because libxml2 parses text as it comes. */
static void
check_unparsed (ConfabXmppParser *self)
{
  xmlParserInputPtr input = self->ctxt->input;
  guint64 start;
  const xmlChar *p;
  guint limit;

  if (input == NULL || input->cur == NULL || input->end == NULL || input->end <= input->cur)
    return;

  start = position (self);
  if (start != self->guard_start)
    {
      self->guard_start = start;
      self->guard_scanned = start;
      self->guard_equals = 0;
    }
  if ((gsize) (input->end - input->cur) <= GUARD_BYTES)
    return;

  p = input->cur + MIN (self->guard_scanned - start, (guint64) (input->end - input->cur));
  while ((p = memchr (p, '=', input->end - p)) != NULL)
    {
      self->guard_equals++;
      p++;
    }
  self->guard_scanned = start + (input->end - input->cur);

  /* Attributes and namespace declarations, with room for '=' in values. */
  limit = 4 * self->limits.max_attributes + 64;
  if (self->guard_equals > limit)
    violation (self, CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION,
               "a start tag of more than %d bytes has more than %u '=' signs",
               GUARD_BYTES, limit);
}

static void
push (ConfabXmppParser *self,
      const char       *data,
      gsize             len)
{
  while (len > 0 && self->error == NULL && !self->reset_pending)
    {
      gsize n = MIN (len, SLICE_BYTES);
      gsize valid = check_utf8 (self, (const guchar *) data, n);

      if (!ensure_context (self))
        return;

      if (valid > 0)
        {
          /* Counted first: callbacks clamp positions to it. */
          self->fed += valid;
          xmlParseChunk (self->ctxt, data, (int) valid, 0);
        }

      if (self->error != NULL || self->reset_pending)
        return;

      if (valid < n)
        {
          /* RFC 6120 §4.9.3.22: unsupported-encoding covers a stream that
           * "has otherwise improperly encoded the stream (e.g., by violating
           * the rules of the UTF-8 encoding)"; §11.6 requires UTF-8. That is
           * more specific than not-well-formed or bad-format (§4.9.3.1). */
          violation (self, CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
                     "invalid UTF-8 at byte %" G_GUINT64_FORMAT " of the stream",
                     self->fed);
          return;
        }

      /* The bytes since the last stanza (or the header, or the stream's
       * start) are all part of one element: bound them as they arrive, not
       * when the element ends. */
      if (self->fed > self->mark + self->limits.max_stanza_bytes)
        {
          violation (self, CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION,
                     "more than %" G_GSIZE_FORMAT " bytes in one element",
                     self->limits.max_stanza_bytes);
          return;
        }

      check_unparsed (self);

      data += n;
      len -= n;
    }
}

/* memmem() is a GNU extension; the head is at most HEAD_BYTES long. */
static const guchar *
find_bytes (const guchar *haystack,
            gsize         len,
            const char   *needle,
            gsize         needle_len)
{
  for (gsize i = 0; i + needle_len <= len; i++)
    if (memcmp (haystack + i, needle, needle_len) == 0)
      return haystack + i;
  return NULL;
}

static gboolean
is_xml_space (guchar c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

typedef enum {
  HEAD_NEED_MORE,
  HEAD_DONE,
} HeadResult;

/* Looks at the start of a document before libxml2 does, so that libxml2's
 * encoding detection (XML 1.0 Appendix F) can never pick anything but
 * UTF-8, and a declared encoding is answered with the right condition.
 * Sets *@skip to the length of a UTF-8 byte order mark, which is allowed
 * (XML 1.0 §4.3.3) and not passed on. */
static HeadResult
check_head (ConfabXmppParser *self,
            gsize            *skip)
{
  static const guchar bom[] = { 0xEF, 0xBB, 0xBF };
  static const char decl[] = "<?xml";
  const guchar *h = self->head;
  gsize n = self->head_len;
  gsize off = 0;
  const guchar *close;
  const guchar *p;

  *skip = 0;

  if (memcmp (h, bom, MIN (n, sizeof bom)) == 0)
    {
      if (n < sizeof bom)
        return HEAD_NEED_MORE;
      off = sizeof bom;
    }

  /* UTF-16 and UTF-32 put a NUL byte in the first two of any document that
   * starts with '<' or whitespace. */
  for (gsize i = off; i < n && i < off + 4; i++)
    if (h[i] == 0)
      {
        violation (self, CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
                   "the stream is not UTF-8 (RFC 6120 §11.6)");
        return HEAD_DONE;
      }

  for (gsize i = 0; i < strlen (decl); i++)
    {
      if (off + i >= n)
        return HEAD_NEED_MORE;
      if (h[off + i] != (guchar) decl[i])
        goto done;
    }
  if (off + strlen (decl) >= n)
    return HEAD_NEED_MORE;
  if (!is_xml_space (h[off + strlen (decl)]))
    goto done;   /* e.g. "<?xml-stylesheet": a PI, refused by libxml2's callback */

  close = find_bytes (h + off, n - off, "?>", 2);
  if (close == NULL)
    {
      if (n == HEAD_BYTES)
        violation (self, CONFAB_XMPP_STREAM_ERROR_POLICY_VIOLATION,
                   "the XML declaration is longer than %d bytes", HEAD_BYTES);
      return n == HEAD_BYTES ? HEAD_DONE : HEAD_NEED_MORE;
    }

  /* XML 1.0 §4.3.3 EncodingDecl: S 'encoding' Eq ('"' EncName '"' | "'" EncName "'") */
  p = find_bytes (h + off, close - (h + off), "encoding", 8);
  if (p != NULL)
    {
      const guchar *value;
      guchar quote;

      p += 8;
      while (p < close && is_xml_space (*p))
        p++;
      if (p < close && *p == '=')
        p++;
      while (p < close && is_xml_space (*p))
        p++;
      quote = p < close ? *p : 0;
      if (quote == '\'' || quote == '"')
        {
          value = ++p;
          while (p < close && *p != quote)
            p++;
          /* Names match case-insensitively (XML 1.0 §4.3.3). */
          if (p - value != 5 || g_ascii_strncasecmp ((const char *) value, "UTF-8", 5) != 0)
            {
              violation (self, CONFAB_XMPP_STREAM_ERROR_UNSUPPORTED_ENCODING,
                         "encoding '%.*s' is not UTF-8 (RFC 6120 §11.6)",
                         (int) MIN (p - value, 40), (const char *) value);
              return HEAD_DONE;
            }
        }
    }

done:
  *skip = off;
  return HEAD_DONE;
}

/* Public API */

ConfabXmppParser *
confab_xmpp_parser_new (const ConfabXmppParserCallbacks *callbacks,
                        gpointer                         user_data)
{
  ConfabXmppParser *self;

  g_return_val_if_fail (callbacks != NULL, NULL);

  self = g_new0 (ConfabXmppParser, 1);
  self->callbacks = *callbacks;
  self->user_data = user_data;
  self->limits.max_depth = DEFAULT_MAX_DEPTH;
  self->limits.max_attributes = DEFAULT_MAX_ATTRIBUTES;
  self->limits.max_stanza_bytes = DEFAULT_MAX_STANZA_BYTES;
  return self;
}

void
confab_xmpp_parser_free (ConfabXmppParser *self)
{
  if (self == NULL)
    return;

  /* Freeing from a callback would free libxml2's context under it. */
  g_return_if_fail (!self->in_feed);

  document_clear (self);
  g_free (self);
}

void
confab_xmpp_parser_set_limits (ConfabXmppParser             *self,
                               const ConfabXmppParserLimits *limits)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (limits != NULL);

  self->limits.max_depth = limits->max_depth != 0 ? limits->max_depth : DEFAULT_MAX_DEPTH;
  self->limits.max_attributes = limits->max_attributes != 0 ? limits->max_attributes
                                                            : DEFAULT_MAX_ATTRIBUTES;
  self->limits.max_stanza_bytes = limits->max_stanza_bytes != 0 ? limits->max_stanza_bytes
                                                                : DEFAULT_MAX_STANZA_BYTES;
}

gboolean
confab_xmpp_parser_feed (ConfabXmppParser  *self,
                         const char        *data,
                         gsize              len,
                         GError           **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (!self->in_feed, FALSE);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  self->in_feed = TRUE;

  while (len > 0 && self->error == NULL && !self->reset_pending)
    {
      if (!self->head_done)
        {
          gsize take = MIN (len, HEAD_BYTES - self->head_len);
          gsize skip;

          memcpy (self->head + self->head_len, data, take);
          self->head_len += take;
          data += take;
          len -= take;

          if (check_head (self, &skip) == HEAD_NEED_MORE)
            continue;
          self->head_done = TRUE;
          if (self->error == NULL)
            push (self, (const char *) self->head + skip, self->head_len - skip);
          continue;
        }

      push (self, data, len);
      break;
    }

  self->in_feed = FALSE;

  if (self->reset_pending)
    {
      /* A callback reset the parser: the rest of this read belonged to the
       * old stream (RFC 6120 §5.4.3.3, §6.4.6), so it is dropped, and the
       * context is freed only now that libxml2 has returned. */
      document_clear (self);
      return TRUE;
    }

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }

  return TRUE;
}

void
confab_xmpp_parser_reset (ConfabXmppParser *self)
{
  g_return_if_fail (self != NULL);

  if (self->in_feed)
    {
      halt (self);
      self->reset_pending = TRUE;
      return;
    }

  document_clear (self);
}
