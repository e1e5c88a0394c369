/*  test_hostile - malformed input from hostile clients against an
    in-process intake: oversized frames (also claimed on the wire without a
    ZeroMQ library), wrong frame counts, deep nesting, containers and
    strings claiming billions of entries, invalid UTF-8, numbers out of
    range. Each is answered with the right error (or dropped when no reply
    is possible), nothing is stored, and a good command is served after.  */
#include "intake.h"
#include "request.h"
#include "json.h"
#include "testkit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#define MIB (1024 * 1024)

//  The fields of a good registration, as JSON values, in packing order.
static const char *const s_reg[][2] = {
    {"cmd", "\"candidate.register\""},
    {"office", "\"nijmegen\""},
    {"id", "\"%s\""},
    {"birth_year", "1980"},
    {"referral", "\"self\""},
    {"benefit", "\"none\""},
    {"treatment", "\"done\""},
    {"criteria",
     "{\"psych_limitation\":true,\"motivated\":true,\"willing_to_train\":true,"
     "\"arranges_benefits\":true,\"seeks_paid_work\":true}"},
    {"consent", "{\"processing\":true,\"evaluation_contact\":false}"},
    {"date", "\"2020-01-06\""}};
#define REG_FIELDS (sizeof s_reg / sizeof s_reg[0])

typedef struct {
    char *dir;
    directory_t *directory;
    zactor_t *actor;
    const dir_entry_t *entry;
    tk_client_t *client;
    int64_t head; //  the stream head before the hostile input
} fixture_t;

static void
s_pack_json (msgpack_packer *pk, const char *text)
{
    char err[128];
    if (json_to_msgpack (text, strlen (text), pk, err, sizeof err) != 0)
        fprintf (stderr, "bad JSON in test: %s: %s\n", err, text);
}

//  A registration for id whose field skip (NULL: none) is left out and the
//  raw key/value bytes extra appended instead (a hostile field).
static zframe_t *
s_reg_with (const char *id, const char *skip, const void *extra, size_t extra_len)
{
    msgpack_sbuffer buf;
    msgpack_sbuffer_init (&buf);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &buf, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, REG_FIELDS - (skip ? 1 : 0) + (extra ? 1 : 0));
    for (size_t i = 0; i < REG_FIELDS; i++) {
        if (skip && streq (s_reg[i][0], skip))
            continue;
        pk_str (&pk, s_reg[i][0]);
        char *value = zsys_sprintf (s_reg[i][1], id);
        s_pack_json (&pk, value);
        free (value);
    }
    if (extra)
        msgpack_sbuffer_write (&buf, (const char *) extra, extra_len);
    zframe_t *frame = zframe_new (buf.data, buf.size);
    msgpack_sbuffer_destroy (&buf);
    return frame;
}

static tk_msg_t *
s_call_frame (fixture_t *f, zframe_t **frame_p)
{
    zmsg_t *msg = zmsg_new ();
    zmsg_append (msg, frame_p);
    return tk_call_frames (f->client, &msg);
}

//  Expects invalid_argument, the field (NULL: none), a message naming why.
static void
s_refused (tk_msg_t *r, const char *field, const char *why, const char *label)
{
    bool ok = r && streq (tk_code (r), "invalid_argument")
              && streq (tk_str (r, "error.field"), field ? field : "")
              && (!why || strstr (tk_str (r, "error.message"), why));
    if (!CHECK (ok)) {
        char *json = tk_json (r);
        fprintf (stderr, "  %s: expected invalid_argument (%s, %s), got %s\n", label,
                 field ? field : "no field", why ? why : "-", json);
        free (json);
    }
}

static void
s_expect_refused (fixture_t *f, zframe_t *frame, const char *field, const char *why,
                  const char *label)
{
    tk_msg_t *r = s_call_frame (f, &frame);
    s_refused (r, field, why, label);
    tk_msg_destroy (&r);
}

//  A good command is still served and nothing hostile was stored.
static void
s_still_serving (fixture_t *f, const char *label)
{
    tk_msg_t *r = tk_call (f->client, "{\"cmd\":\"service.status\"}");
    if (!CHECK (tk_ok (r) && tk_int (r, "head") == f->head))
        fprintf (stderr, "  after %s: head %" PRId64 ", expected %" PRId64 "\n", label,
                 tk_int (r, "head"), f->head);
    tk_msg_destroy (&r);
}

//  --------------------------------------------------------------------------
//  Frames

//  Sends msg on a fresh DEALER; the reply's frames, or NULL when none came
//  within wait_ms.
static zmsg_t *
s_raw_call (fixture_t *f, zmsg_t **msg_p, int wait_ms)
{
    zsock_t *dealer = zsock_new_dealer (f->entry->command);
    zsock_set_linger (dealer, 0);
    zsock_set_rcvtimeo (dealer, wait_ms);
    zmsg_send (msg_p, dealer);
    zmsg_t *reply = zmsg_recv (dealer);
    zsock_destroy (&dealer);
    return reply;
}

static zmsg_t *
s_big (size_t size)
{
    zframe_t *frame = zframe_new (NULL, size);
    memset (zframe_data (frame), 0, size);
    zframe_data (frame)[0] = 0x81;
    zmsg_t *msg = zmsg_new ();
    zmsg_append (msg, &frame);
    return msg;
}

static void
test_oversized (fixture_t *f)
{
    //  Over the socket limit: the connection is dropped without a reply.
    zmsg_t *msg = s_big (MIB + 1);
    zmsg_t *reply = s_raw_call (f, &msg, 1000);
    CHECK (reply == NULL);
    zmsg_destroy (&reply);
    s_still_serving (f, "1 MiB + 1");
    //  Just under it, and just over the body limit: a clear refusal.
    size_t sizes[] = {MIB - 16, CODEC_MAX_BODY + 1};
    for (size_t i = 0; i < 2; i++) {
        msg = s_big (sizes[i]);
        tk_msg_t *r = tk_call_frames (f->client, &msg);
        s_refused (r, "frame", "exceeds", "large frame");
        tk_msg_destroy (&r);
    }
    s_still_serving (f, "large frames");
}

//  A TCP connection that speaks ZMTP 3.0 by hand (as a hostile client
//  would) and announces a frame of size bytes without sending them: true
//  when the service closes the connection within two seconds.
static int
s_zmtp_open (const char *endpoint)
{
    int fd = socket (AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons ((uint16_t) atoi (strrchr (endpoint, ':') + 1));
    addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
    struct timeval tv = {2, 0};
    setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect (fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
        close (fd);
        return -1;
    }
    uint8_t greeting[64] = {0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 0, 'N', 'U', 'L', 'L'};
    uint8_t theirs[64];
    size_t got = 0;
    ssize_t n = send (fd, greeting, sizeof greeting, 0);
    while (n > 0 && got < sizeof theirs)
        if ((n = recv (fd, theirs + got, sizeof theirs - got, 0)) > 0)
            got += (size_t) n;
    const char ready[] = "\x04\x1c\x05READY\x0bSocket-Type\x00\x00\x00\x06"
                         "DEALER";
    if (got < sizeof theirs || send (fd, ready, sizeof ready - 1, 0) < 0) {
        close (fd);
        return -1;
    }
    return fd;
}

static bool
s_zmtp_claim_dropped (const char *endpoint, uint64_t size)
{
    int fd = s_zmtp_open (endpoint);
    if (fd < 0)
        return false;
    uint8_t frame[10] = {0x02};
    for (int i = 0; i < 8; i++)
        frame[1 + i] = (uint8_t) (size >> (56 - 8 * i));
    frame[9] = 0x81;
    bool dropped = false;
    if (send (fd, frame, sizeof frame, 0) == (ssize_t) sizeof frame) {
        //  Read (and skip) the service's READY until it closes or goes quiet.
        char buf[256];
        ssize_t n;
        while ((n = recv (fd, buf, sizeof buf, 0)) > 0)
            ;
        dropped = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
    }
    close (fd);
    return dropped;
}

static void
test_wire_claims (fixture_t *f)
{
    CHECK (s_zmtp_claim_dropped (f->entry->command, 512ULL * MIB));
    CHECK (s_zmtp_claim_dropped (f->entry->command, UINT64_MAX >> 1));
    CHECK (s_zmtp_claim_dropped (f->entry->replay, 512ULL * MIB));
    s_still_serving (f, "claimed frames");
}

static void
test_frame_counts (fixture_t *f)
{
    //  Only the empty delimiter a REQ peer sends, no body: refused, and the
    //  reply keeps the delimiter.
    zmsg_t *msg = zmsg_new ();
    zmsg_addmem (msg, "", 0);
    zmsg_t *reply = s_raw_call (f, &msg, 5000);
    CHECK (reply && zmsg_size (reply) == 2 && zframe_size (zmsg_first (reply)) == 0);
    zframe_t *body = reply ? zmsg_last (reply) : NULL;
    oerr_t err;
    msg_t *decoded =
        body ? msg_decode (zframe_data (body), zframe_size (body), &err) : NULL;
    const msgpack_object *error = decoded ? obj_get (msg_root (decoded), "error") : NULL;
    CHECK (obj_is_str (obj_get (error, "code"), "invalid_argument")
           && obj_is_str (obj_get (error, "field"), "frame"));
    msg_destroy (&decoded);
    zmsg_destroy (&reply);
    //  Three body frames; a delimiter and two.
    zframe_t *good = s_reg_with ("frames-1", NULL, NULL, 0);
    for (int delimiter = 0; delimiter < 2; delimiter++) {
        msg = zmsg_new ();
        if (delimiter)
            zmsg_addmem (msg, "", 0);
        for (int i = 0; i < 3 - delimiter; i++)
            zmsg_addmem (msg, zframe_data (good), zframe_size (good));
        reply = s_raw_call (f, &msg, 5000);
        body = reply ? zmsg_last (reply) : NULL;
        decoded = body ? msg_decode (zframe_data (body), zframe_size (body), &err) : NULL;
        error = decoded ? obj_get (msg_root (decoded), "error") : NULL;
        CHECK (obj_is_str (obj_get (error, "code"), "invalid_argument")
               && obj_is_str (obj_get (error, "field"), "frame"));
        msg_destroy (&decoded);
        zmsg_destroy (&reply);
    }
    zframe_destroy (&good);
    s_still_serving (f, "frame counts");
}

//  --------------------------------------------------------------------------
//  Bodies

//  A registration with raw bytes for one field: key (packed here) and a
//  value given as bytes.
static void
s_field_refused (fixture_t *f, const char *id, const char *key, const void *value,
                 size_t len, const char *field, const char *why)
{
    msgpack_sbuffer extra;
    msgpack_sbuffer_init (&extra);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &extra, msgpack_sbuffer_write);
    pk_str (&pk, key);
    msgpack_sbuffer_write (&extra, (const char *) value, len);
    bool replaces = false;
    for (size_t i = 0; i < REG_FIELDS; i++)
        replaces |= streq (s_reg[i][0], key);
    zframe_t *frame = s_reg_with (id, replaces ? key : NULL, extra.data, extra.size);
    msgpack_sbuffer_destroy (&extra);
    tk_msg_t *r = s_call_frame (f, &frame);
    s_refused (r, field, why, id);
    tk_msg_destroy (&r);
}

//  count nested single-entry maps {"a": {"a": ... nil}} as raw bytes.
static uint8_t *
s_nested (size_t count, size_t *len)
{
    *len = count * 3 + 1;
    uint8_t *data = (uint8_t *) malloc (*len);
    for (size_t i = 0; i < count; i++)
        memcpy (data + 3 * i,
                "\x81\xa1"
                "a",
                3);
    data[*len - 1] = 0xc0;
    return data;
}

static void
test_nesting (fixture_t *f)
{
    size_t len;
    uint8_t *deep = s_nested (10000, &len);
    s_field_refused (f, "deep-1", "criteria", deep, len, NULL, "nested too deeply");
    free (deep);
    //  Nine levels in all (the body and eight under it) is one too many...
    deep = s_nested (8, &len);
    s_field_refused (f, "deep-2", "criteria", deep, len, NULL, "nested too deeply");
    free (deep);
    //  ...eight pass the decoder and reach the schema.
    deep = s_nested (7, &len);
    s_field_refused (f, "deep-3", "criteria", deep, len, "criteria.a", "unknown field");
    free (deep);
    //  Arrays as deep as maps.
    uint8_t arrays[10001];
    memset (arrays, 0x91, sizeof arrays - 1);
    arrays[sizeof arrays - 1] = 0xc0;
    s_field_refused (f, "deep-4", "after", arrays, sizeof arrays, NULL,
                     "nested too deeply");
    s_still_serving (f, "nesting");
}

static void
test_huge_claims (fixture_t *f)
{
    //  A few bytes claiming four billion entries, items or bytes.
    s_field_refused (f, "huge-1", "criteria", "\xdf\xff\xff\xff\xff", 5, NULL,
                     "too many items");
    s_field_refused (f, "huge-2", "after", "\xdd\xff\xff\xff\xff", 5, NULL,
                     "too many items");
    s_field_refused (f, "huge-3", "office", "\xdb\xff\xff\xff\xff", 5, NULL,
                     "string too long");
    zframe_t *frame = zframe_new ("\xdf\xff\xff\xff\xff\xa1"
                                  "a\xc0",
                                  8);
    s_expect_refused (f, frame, NULL, "too many items", "top-level claim");
    //  A real array of 100000 items (under the body limit) and 1025 entries.
    size_t count = 100000;
    uint8_t *items = (uint8_t *) malloc (count + 5);
    memcpy (items, "\xdd\x00\x01\x86\xa0", 5);
    memset (items + 5, 0xc0, count);
    s_field_refused (f, "huge-4", "after", items, count + 5, NULL, "too many items");
    free (items);
    msgpack_sbuffer map;
    msgpack_sbuffer_init (&map);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &map, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 1025);
    for (int i = 0; i < 1025; i++) {
        char key[16];
        snprintf (key, sizeof key, "k%d", i);
        pk_str (&pk, key);
        msgpack_pack_true (&pk);
    }
    s_field_refused (f, "huge-5", "criteria", map.data, map.size, NULL, "too many items");
    msgpack_sbuffer_destroy (&map);
    s_still_serving (f, "huge claims");
}

//  A contact map whose name is the given bytes (free text: only the
//  decoder's UTF-8 check stands between it and the store).
static void
s_contact_refused (fixture_t *f, const char *id, const char *bytes, size_t len)
{
    msgpack_sbuffer value;
    msgpack_sbuffer_init (&value);
    msgpack_packer pk;
    msgpack_packer_init (&pk, &value, msgpack_sbuffer_write);
    msgpack_pack_map (&pk, 1);
    pk_str (&pk, "name");
    msgpack_pack_str (&pk, len);
    msgpack_pack_str_body (&pk, bytes, len);
    s_field_refused (f, id, "contact", value.data, value.size, NULL, "UTF-8");
    msgpack_sbuffer_destroy (&value);
}

static void
test_utf8 (fixture_t *f)
{
    s_contact_refused (f, "utf-1", "Jan \xff", 5);         //  never valid
    s_contact_refused (f, "utf-2", "\xc0\xaf", 2);         //  overlong '/'
    s_contact_refused (f, "utf-3", "\xed\xa0\x80", 3);     //  surrogate
    s_contact_refused (f, "utf-4", "\xf4\x90\x80\x80", 4); //  above U+10FFFF
    s_contact_refused (f, "utf-5", "Jos\xc3", 4);          //  cut short
    s_field_refused (f, "utf-6", "office", "\xa2\xc3\x28", 3, NULL, "UTF-8");
    //  A key that is not UTF-8.
    msgpack_sbuffer extra;
    msgpack_sbuffer_init (&extra);
    msgpack_sbuffer_write (&extra, "\xa2\xff\xfe\xc3", 4);
    zframe_t *frame = s_reg_with ("utf-7", NULL, extra.data, extra.size);
    msgpack_sbuffer_destroy (&extra);
    s_expect_refused (f, frame, NULL, "UTF-8", "key");
    s_still_serving (f, "invalid UTF-8");
}

static void
test_numbers (fixture_t *f)
{
    const char *by = "birth_year";
    s_field_refused (f, "num-1", by, "\xcf\xff\xff\xff\xff\xff\xff\xff\xff", 9, by,
                     "between");
    s_field_refused (f, "num-2", by, "\xd3\x80\0\0\0\0\0\0\0", 9, by, "between");
    s_field_refused (f, "num-3", by, "\xff", 1, by, "between");
    s_field_refused (f, "num-4", by, "\xcb\x40\x9e\xf0\0\0\0\0\0", 9, by, "integer");
    s_field_refused (f, "num-5", by, "\xcb\x7f\xf8\0\0\0\0\0\0", 9, by, "integer");
    //  A stream position that is negative or not an integer.
    const char *after[] = {
        "[{\"service\":\"intake\",\"instance\":\"intake\",\"seq\":-1}]",
        "[{\"service\":\"intake\",\"instance\":\"intake\",\"seq\":1.5}]"};
    for (size_t i = 0; i < 2; i++) {
        msgpack_sbuffer value;
        msgpack_sbuffer_init (&value);
        msgpack_packer pk;
        msgpack_packer_init (&pk, &value, msgpack_sbuffer_write);
        s_pack_json (&pk, after[i]);
        s_field_refused (f, "num-6", "after", value.data, value.size, "after", NULL);
        msgpack_sbuffer_destroy (&value);
    }
    //  The replay endpoint: from and max out of range.
    tk_client_t *replay = tk_client_new (f->entry->replay);
    const char *bad[] = {"{\"cmd\":\"replay\",\"from\":18446744073709551615}",
                         "{\"cmd\":\"replay\",\"from\":-9223372036854775808}",
                         "{\"cmd\":\"replay\",\"from\":1,\"max\":18446744073709551615}",
                         "{\"cmd\":\"replay\",\"from\":1,\"max\":1e300}",
                         "{\"cmd\":\"replay\",\"from\":1.0}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tk_msg_t *r = tk_call (replay, "%s", bad[i]);
        s_refused (r, i < 2 || i == 4 ? "from" : "max", NULL, bad[i]);
        tk_msg_destroy (&r);
    }
    tk_client_destroy (&replay);
    s_still_serving (f, "numbers");
}

//  Clients that leave mid-exchange: a DEALER that sends a burst and closes
//  before any reply, a REQ that never reads, a TCP peer that stops halfway
//  through its greeting. What arrived whole was applied whole.
static void
test_disconnects (fixture_t *f)
{
    zsock_t *dealer = zsock_new_dealer (f->entry->command);
    zsock_set_linger (dealer, 0);
    for (int i = 0; i < 200; i++) {
        char id[32];
        snprintf (id, sizeof id, "gone-%d", i);
        zframe_t *frame = s_reg_with (id, NULL, NULL, 0);
        zframe_send (&frame, dealer, ZFRAME_DONTWAIT);
    }
    zsock_destroy (&dealer);
    zsock_t *req = zsock_new_req (f->entry->command);
    zsock_set_linger (req, 0);
    zframe_t *frame = s_reg_with ("gone-req", NULL, NULL, 0);
    zframe_send (&frame, req, 0);
    zsock_destroy (&req);
    int fd = s_zmtp_open (f->entry->command);
    if (fd >= 0)
        close (fd);
    //  What is still in flight lands first: wait for the head to settle.
    int64_t head = -1, last = -2;
    for (int i = 0; i < 50 && head != last; i++) {
        zclock_sleep (200);
        last = head;
        tk_msg_t *status = tk_call (f->client, "{\"cmd\":\"service.status\"}");
        head = tk_int (status, "head");
        tk_msg_destroy (&status);
    }
    zlistx_t *events = tk_replay_all (f->entry->replay, 1);
    CHECK ((int64_t) zlistx_size (events) == head && head >= f->head);
    tk_events_destroy (&events);
    tk_msg_t *r = tk_expect (f->client, NULL,
                             "{\"cmd\":\"candidate.list\",\"office\":\"nijmegen\"}");
    CHECK (tk_int (r, "count") == head);
    tk_msg_destroy (&r);
}

//  --------------------------------------------------------------------------
//  Logging under a flood

//  Every message here fails to decode before a row is looked for.
static const command_t *
s_no_rows (const char *cmd, void *arg, oerr_t *err)
{
    (void) arg;
    oerr_set (err, ERR_INVALID_ARGUMENT, "cmd", "unknown command %s", cmd);
    return NULL;
}

static int
s_count_lines (FILE *file, const char *text)
{
    fflush (file);
    rewind (file);
    char line[512];
    int count = 0;
    while (fgets (line, sizeof line, file))
        count += strstr (line, text) != NULL;
    return count;
}

//  1000 refusals in a moment give REQUEST_LOG_BURST lines; the rest are
//  told in one line once their second is over.
static void
test_log_limit (void)
{
    FILE *log = tmpfile ();
    zsys_set_logstream (log);
    request_log_t limit = {0, 0, 0};
    for (int i = 0; i < 1000; i++) {
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, "peer");
        zmsg_addmem (msg, "\xc1", 1);
        request_t *request = request_new (&msg, s_no_rows, NULL);
        request_log_refusal (request, &limit, "intake");
        request_destroy (&request);
    }
    request_log_flush (&limit, "intake");
    CHECK (s_count_lines (log, "event=command.refused ") == REQUEST_LOG_BURST);
    CHECK (s_count_lines (log, "suppressed") == 0);
    limit.window -= 1000;
    request_log_flush (&limit, "intake");
    char summary[80];
    snprintf (summary, sizeof summary, "suppressed instance=intake count=%d",
              1000 - REQUEST_LOG_BURST);
    CHECK (s_count_lines (log, summary) == 1);
    zsys_set_logstream (stdout);
    fclose (log);
}

int
main (void)
{
    zsys_init ();
    fixture_t f = {tk_tmpdir (), NULL, NULL, NULL, NULL, 0};
    f.directory = directory_new_defaults (tk_port_base ());
    f.entry = directory_instance (f.directory, "intake");
    f.actor = tk_start (intake_service (), "intake", f.dir, f.directory);
    f.client = tk_client_new (f.entry->command);
    //  One good command first: the head every hostile one must leave alone.
    zframe_t *good = s_reg_with ("good-1", NULL, NULL, 0);
    tk_msg_t *r = s_call_frame (&f, &good);
    CHECK (tk_ok (r) && tk_int (r, "position.seq") == 1);
    tk_msg_destroy (&r);
    f.head = 1;
    test_oversized (&f);
    test_wire_claims (&f);
    test_frame_counts (&f);
    test_nesting (&f);
    test_huge_claims (&f);
    test_utf8 (&f);
    test_numbers (&f);
    test_disconnects (&f);
    test_log_limit ();
    tk_client_destroy (&f.client);
    zactor_destroy (&f.actor);
    directory_destroy (&f.directory);
    tk_rmdir (&f.dir);
    return tk_done ("test_hostile");
}
