/*
 * The careless caller: what a vendor's program does to the C ABI by mistake or under load,
 * each of which must end in a status — never a crash, a double free, a read of freed memory,
 * a leaked thread or a panic message on stderr.
 *
 *   - use after free, double free, a stale handle whose slot was reused;
 *   - four threads writing and reading one record, and sharing one onshi_error;
 *   - free of a record while other threads are inside calls on it;
 *   - onshi_client_free while another thread waits on the client;
 *   - cancel tokens on wait / query / next_face;
 *   - blocking calls, stop_face and free from inside the face callback;
 *   - a per-call error object for each of two threads on one client;
 *   - text with an embedded NUL, a NULL buffer with a capacity.
 *
 * Built by bindings/run-tests.sh with gcc and pthreads: plain (stderr must stay empty),
 * under valgrind with its DEFAULT leak kinds (and bindings/c/valgrind/onshi.supp), with
 * ASan + UBSan, and with TSan. Linux only. Prints "N passed, M failed"; exit 1 on failure.
 */
#define _POSIX_C_SOURCE 200809L
#include "onshi.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static atomic_int passed, failed;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (cond) {                                                        \
            atomic_fetch_add(&passed, 1);                                  \
        } else {                                                           \
            atomic_fetch_add(&failed, 1);                                  \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                  \
    } while (0)

#define CHECK_STATUS(expr, want) CHECK((expr) == (want))
#define S(lit) (const uint8_t *)(lit), strlen(lit)

static void sleep_ms(unsigned ms) {
    struct timespec t = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char root_base[200];

static const char *REC =
    "{\"insured_card_classification\":\"01\",\"insurer_number\":\"01130012\","
    "\"insured_card_symbol\":\"12-34\",\"insured_identification_number\":\"1001\","
    "\"insured_branch_number\":\"00\",\"name\":\"見本　太郎\",\"birthdate\":\"1980-04-01\","
    "\"address\":\"東京都見本区旧町\"}";

static onshi_qualification *record(void) {
    onshi_qualification *q = NULL;
    CHECK_STATUS(onshi_qualification_from_json(NULL, S(REC), &q), ONSHI_OK);
    return q;
}

/* ---- use after free, double free, stale handles ---- */

static void test_use_after_free(void) {
    onshi_qualification *q = record();
    onshi_qualification_free(q);
    char buf[64];
    size_t n = 0;
    /* Every call on a freed handle is refused without reading it (valgrind and ASan watch). */
    CHECK_STATUS(onshi_qualification_get_text(q, ONSHI_FIELD_NAME, buf, sizeof buf, &n), ONSHI_INVALID_HANDLE);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME, S("x")), ONSHI_INVALID_HANDLE);
    CHECK_STATUS(onshi_qualification_last_error(q, buf, sizeof buf, &n), ONSHI_INVALID_HANDLE);
    onshi_qualification_free(q); /* double free: detected and ignored */
    /* The slot is reused by new handles; the stale pointer stays dead. */
    onshi_qualification *fresh[64];
    for (int i = 0; i < 64; i++) {
        fresh[i] = record();
        CHECK(fresh[i] != q);
    }
    CHECK_STATUS(onshi_qualification_to_json(q, buf, sizeof buf, &n), ONSHI_INVALID_HANDLE);
    for (int i = 0; i < 64; i++) onshi_qualification_free(fresh[i]);

    onshi_error *e = onshi_error_new();
    onshi_error_free(e);
    CHECK(onshi_error_status(e) == ONSHI_INVALID_HANDLE);
    CHECK_STATUS(onshi_check_digit_verify(e, S("138057")), ONSHI_INVALID_HANDLE);
    onshi_error_free(e);
    /* The detail of a dead handle goes to an error object of the caller's. */
    onshi_error *why = onshi_error_new();
    CHECK_STATUS(onshi_error_from_handle(why, q), ONSHI_INVALID_HANDLE);
    onshi_error_free(why);
}

/* ---- four threads on one record and one error object ---- */

struct shared {
    onshi_qualification *q;
    onshi_error *err;
    atomic_int bad;
};

static void *hammer(void *arg) {
    struct shared *s = arg;
    char buf[256];
    size_t n = 0;
    for (int i = 0; i < 500; i++) {
        const char *name = (i % 2) ? "見本　花子" : "見本　太郎";
        if (onshi_qualification_set_text(s->q, ONSHI_FIELD_NAME, S(name)) != ONSHI_OK) atomic_fetch_add(&s->bad, 1);
        onshi_status st = onshi_qualification_get_text(s->q, ONSHI_FIELD_NAME, buf, sizeof buf, &n);
        if (st != ONSHI_OK || (strcmp(buf, "見本　花子") != 0 && strcmp(buf, "見本　太郎") != 0)) atomic_fetch_add(&s->bad, 1);
        /* The shared error object: each call replaces it whole. */
        onshi_status v = onshi_check_digit_verify(s->err, S((i % 3) ? "138057" : "138058"));
        if (v != ONSHI_OK && v != ONSHI_ID_CHECK_DIGIT) atomic_fetch_add(&s->bad, 1);
        onshi_status es = onshi_error_status(s->err);
        if (es != ONSHI_OK && es != ONSHI_ID_CHECK_DIGIT) atomic_fetch_add(&s->bad, 1);
        /* The same record as both sides of a diff, while other threads change it. */
        onshi_date day = {2025, 4, 10};
        onshi_diff *d = NULL;
        if (onshi_diff_compare(s->err, s->q, s->q, &day, ONSHI_QUERY_KIND_INSURANCE_CARD, 0, &d) != ONSHI_OK) atomic_fetch_add(&s->bad, 1);
        onshi_diff_free(d);
    }
    return NULL;
}

static void test_threads_on_one_record(void) {
    struct shared s = {record(), onshi_error_new(), 0};
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, hammer, &s);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    CHECK(atomic_load(&s.bad) == 0);
    onshi_qualification_free(s.q);
    onshi_error_free(s.err);
}

/* ---- free while other threads are inside calls ---- */

struct reader {
    onshi_qualification *q;
    atomic_int ok, dead, other;
};

static void *read_until_dead(void *arg) {
    struct reader *r = arg;
    char buf[4096];
    size_t n = 0;
    for (;;) {
        onshi_status s = onshi_qualification_to_json(r->q, buf, sizeof buf, &n);
        if (s == ONSHI_OK) atomic_fetch_add(&r->ok, 1);
        else if (s == ONSHI_INVALID_HANDLE) { atomic_fetch_add(&r->dead, 1); return NULL; }
        else { atomic_fetch_add(&r->other, 1); return NULL; }
    }
}

static void test_free_during_calls(void) {
    struct reader r = {record(), 0, 0, 0};
    pthread_t t[3];
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, read_until_dead, &r);
    while (atomic_load(&r.ok) < 100) sleep_ms(1);
    onshi_qualification_free(r.q);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    CHECK(atomic_load(&r.dead) == 3);
    CHECK(atomic_load(&r.other) == 0);
}

/* ---- the terminal client ---- */

struct env {
    onshi_emulator *emu;
    onshi_client *c;
    onshi_document *req;
};

static void env_open(struct env *e, const char *name) {
    char root[300];
    snprintf(root, sizeof root, "%s-%s", root_base, name);
    e->emu = NULL;
    e->c = NULL;
    e->req = NULL;
    CHECK_STATUS(onshi_emulator_start(NULL, S(root), NULL, 0, 0, ONSHI_ENCODING_UTF8, &e->emu), ONSHI_OK);
    CHECK_STATUS(onshi_client_open(NULL, S(root), S("{\"medical_institution_code\":\"1310000003\"}"), &e->c), ONSHI_OK);
    onshi_qualification *card = record();
    onshi_date day = {2025, 4, 10};
    CHECK_STATUS(onshi_document_new_individual_request(NULL, S("1310000003"), card, &day, NULL, 0, true, &e->req), ONSHI_OK);
    onshi_qualification_free(card);
}

static void env_close(struct env *e) {
    onshi_document_free(e->req);
    onshi_client_free(e->c);
    onshi_emulator_free(e->emu);
}

struct waiter {
    onshi_client *c;
    onshi_document *req;
    onshi_cancel_token *token;
    uint32_t timeout_ms;
    int next_face; /* 0: query; 1: next_face */
    onshi_status status;
    double took;
    onshi_error *err;
};

static void *wait_thread(void *arg) {
    struct waiter *w = arg;
    onshi_document *out = NULL;
    double t0 = now_s();
    if (w->next_face)
        w->status = onshi_client_next_face(w->c, w->err, w->timeout_ms, w->token, &out);
    else
        w->status = onshi_client_query(w->c, w->err, w->req, 0, w->timeout_ms, w->token, &out);
    w->took = now_s() - t0;
    onshi_document_free(out);
    return NULL;
}

static void test_client_free_while_waiting(void) {
    struct env e;
    env_open(&e, "free");
    CHECK_STATUS(onshi_emulator_set_behaviour(e.emu, ONSHI_BEHAVIOUR_SILENT), ONSHI_OK);
    struct waiter w = {e.c, e.req, NULL, 30000, 0, 0, 0, onshi_error_new()};
    struct waiter f = {e.c, NULL, NULL, 30000, 1, 0, 0, onshi_error_new()};
    pthread_t t, u;
    pthread_create(&t, NULL, wait_thread, &w);
    pthread_create(&u, NULL, wait_thread, &f);
    sleep_ms(300);
    double t0 = now_s();
    onshi_client_free(e.c); /* cancels both waits, waits for them, then frees */
    double took = now_s() - t0;
    pthread_join(t, NULL);
    pthread_join(u, NULL);
    CHECK(w.status == ONSHI_TERMINAL_CANCELLED);
    CHECK(f.status == ONSHI_TERMINAL_CANCELLED);
    CHECK(onshi_error_status(w.err) == ONSHI_TERMINAL_CANCELLED);
    CHECK(took < 5.0 && w.took < 5.0 && f.took < 5.0);
    /* The freed client is refused afterwards. */
    onshi_document *out = NULL;
    CHECK_STATUS(onshi_client_query(e.c, NULL, e.req, 0, 10, NULL, &out), ONSHI_INVALID_HANDLE);
    onshi_error_free(w.err);
    onshi_error_free(f.err);
    e.c = NULL;
    env_close(&e);
}

static void test_cancel_tokens(void) {
    struct env e;
    env_open(&e, "cancel");
    CHECK_STATUS(onshi_emulator_set_behaviour(e.emu, ONSHI_BEHAVIOUR_SILENT), ONSHI_OK);
    onshi_cancel_token *tok = NULL;
    CHECK_STATUS(onshi_cancel_token_new(&tok), ONSHI_OK);
    bool cancelled = true;
    CHECK_STATUS(onshi_cancel_token_is_cancelled(tok, &cancelled), ONSHI_OK);
    CHECK(!cancelled);
    struct waiter w = {e.c, e.req, tok, 30000, 0, 0, 0, onshi_error_new()};
    struct waiter f = {e.c, NULL, tok, 30000, 1, 0, 0, onshi_error_new()};
    pthread_t t, u;
    pthread_create(&t, NULL, wait_thread, &w);
    pthread_create(&u, NULL, wait_thread, &f);
    sleep_ms(300);
    CHECK_STATUS(onshi_cancel_token_cancel(tok), ONSHI_OK);
    onshi_cancel_token_free(tok); /* the waits keep the token; freeing it neither blocks nor breaks them */
    pthread_join(t, NULL);
    pthread_join(u, NULL);
    CHECK(w.status == ONSHI_TERMINAL_CANCELLED && f.status == ONSHI_TERMINAL_CANCELLED);
    CHECK(w.took < 5.0 && f.took < 5.0);
    char buf[512];
    size_t n = 0;
    CHECK_STATUS(onshi_error_staff_message(w.err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "取り消") != NULL);
    CHECK_STATUS(onshi_error_message(w.err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "cancel") != NULL);
    /* A token cancelled before the call: the call returns at once. */
    CHECK_STATUS(onshi_cancel_token_new(&tok), ONSHI_OK);
    CHECK_STATUS(onshi_cancel_token_cancel(tok), ONSHI_OK);
    onshi_document *out = NULL;
    CHECK_STATUS(onshi_client_next_face(e.c, NULL, 30000, tok, &out), ONSHI_TERMINAL_CANCELLED);
    CHECK_STATUS(onshi_cancel_token_reset(tok), ONSHI_OK);
    CHECK_STATUS(onshi_client_next_face(e.c, NULL, 0, tok, &out), ONSHI_NOT_PRESENT);
    /* A handle of another type as token is refused. */
    CHECK_STATUS(onshi_client_next_face(e.c, NULL, 0, (const onshi_cancel_token *)e.req, &out), ONSHI_INVALID_HANDLE);
    onshi_cancel_token_free(tok);
    onshi_error_free(w.err);
    onshi_error_free(f.err);
    env_close(&e);
}

/* ---- per-call errors: two threads on one client ---- */

struct pair {
    onshi_client *c;
    onshi_document *doc;
    onshi_family family;
    onshi_status want;
    atomic_int wrong;
};

static void *submit_loop(void *arg) {
    struct pair *p = arg;
    onshi_error *err = onshi_error_new();
    for (int i = 0; i < 30; i++) {
        onshi_ticket *t = NULL;
        onshi_status s = onshi_client_submit(p->c, err, p->doc, p->family, &t);
        if (s != p->want || onshi_error_status(err) != p->want) atomic_fetch_add(&p->wrong, 1);
        onshi_ticket_free(t);
    }
    onshi_error_free(err);
    return NULL;
}

static void test_per_call_errors(void) {
    struct env e;
    env_open(&e, "percall");
    CHECK_STATUS(onshi_emulator_set_behaviour(e.emu, ONSHI_BEHAVIOUR_DOWN), ONSHI_OK);
    /* One thread submits good requests, the other a request of the wrong family: each error
     * object holds its own thread's outcome, whatever the other does meanwhile. */
    struct pair good = {e.c, e.req, 0, ONSHI_OK, 0};
    struct pair bad = {e.c, e.req, ONSHI_FAMILY_DRUG_INFO, ONSHI_TERMINAL_INVALID_REQUEST, 0};
    pthread_t t, u;
    pthread_create(&t, NULL, submit_loop, &good);
    pthread_create(&u, NULL, submit_loop, &bad);
    pthread_join(t, NULL);
    pthread_join(u, NULL);
    CHECK(atomic_load(&good.wrong) == 0);
    CHECK(atomic_load(&bad.wrong) == 0);
    env_close(&e);
}

/* ---- inside the face callback ---- */

struct inside {
    onshi_client *c;
    onshi_document *req;
    atomic_int calls;
    onshi_status wait_status, next_status, query_status, on_face_status, stop_status, submit_status;
    int free_client; /* 1: the callback frees the client */
    atomic_int done;
};

static onshi_face_ack noop_face(void *userdata, const onshi_document *doc, onshi_status status) {
    (void)userdata;
    (void)doc;
    (void)status;
    return ONSHI_FACE_RELEASE;
}

static onshi_face_ack in_callback(void *userdata, const onshi_document *doc, onshi_status status) {
    struct inside *in = userdata;
    (void)status;
    if (atomic_fetch_add(&in->calls, 1) > 0) return ONSHI_FACE_RELEASE;
    char name[256];
    size_t n = 0;
    /* The document is live during the callback. */
    CHECK_STATUS(onshi_document_get_text(doc, ONSHI_FIELD_DOCUMENT_FILE_NAME, name, sizeof name, &n), ONSHI_OK);
    onshi_document *out = NULL;
    onshi_ticket *t = NULL;
    in->submit_status = onshi_client_submit(in->c, NULL, in->req, 0, &t);
    if (t != NULL) {
        in->wait_status = onshi_client_wait(in->c, NULL, t, 1000, NULL, &out);
        onshi_ticket_free(t);
    }
    in->next_status = onshi_client_next_face(in->c, NULL, 1000, NULL, &out);
    in->query_status = onshi_client_query(in->c, NULL, in->req, 0, 1000, NULL, &out);
    in->on_face_status = onshi_client_on_face(in->c, noop_face, NULL);
    if (in->free_client) {
        onshi_client_free(in->c);
        in->stop_status = ONSHI_OK;
    } else {
        in->stop_status = onshi_client_stop_face(in->c);
    }
    atomic_store(&in->done, 1);
    return ONSHI_FACE_ACK;
}

static void run_inside(int free_client) {
    struct env e;
    env_open(&e, free_client ? "cbfree" : "cbstop");
    struct inside in;
    memset(&in, 0, sizeof in);
    in.c = e.c;
    in.req = e.req;
    in.free_client = free_client;
    CHECK_STATUS(onshi_client_on_face(e.c, in_callback, &in), ONSHI_OK);
    CHECK_STATUS(onshi_emulator_push_face(e.emu, S("P14")), ONSHI_OK);
    for (int i = 0; i < 400 && !atomic_load(&in.done); i++) sleep_ms(25);
    CHECK(atomic_load(&in.done));
    CHECK(in.submit_status == ONSHI_OK);
    CHECK(in.wait_status == ONSHI_IN_CALLBACK);
    CHECK(in.next_status == ONSHI_IN_CALLBACK);
    CHECK(in.query_status == ONSHI_IN_CALLBACK);
    CHECK(in.on_face_status == ONSHI_IN_CALLBACK);
    CHECK(in.stop_status == ONSHI_OK);
    /* Delivery stopped: a second face result is not delivered to the callback. */
    sleep_ms(200);
    if (!free_client) {
        CHECK_STATUS(onshi_emulator_push_face(e.emu, S("P14")), ONSHI_OK);
        sleep_ms(500);
        CHECK(atomic_load(&in.calls) == 1);
        /* The client still works outside the callback, and a new callback can start. */
        onshi_document *face = NULL;
        CHECK_STATUS(onshi_client_next_face(e.c, NULL, 10000, NULL, &face), ONSHI_OK);
        char name[256];
        size_t n = 0;
        CHECK_STATUS(onshi_document_get_text(face, ONSHI_FIELD_DOCUMENT_FILE_NAME, name, sizeof name, &n), ONSHI_OK);
        CHECK_STATUS(onshi_client_ack_face(e.c, NULL, (const uint8_t *)name, n), ONSHI_OK);
        onshi_document_free(face);
        CHECK_STATUS(onshi_client_on_face(e.c, noop_face, NULL), ONSHI_OK);
    } else {
        onshi_document *face = NULL;
        CHECK_STATUS(onshi_client_next_face(e.c, NULL, 0, NULL, &face), ONSHI_INVALID_HANDLE);
        e.c = NULL;
    }
    env_close(&e);
}

/* ---- text input ---- */

static void test_text_input(void) {
    onshi_qualification *q = record();
    const uint8_t with_nul[] = {0xe8, 0xa6, 0x8b, 0x00, 'x'};
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME, with_nul, sizeof with_nul), ONSHI_EMBEDDED_NUL);
    char buf[64];
    size_t n = 0;
    CHECK_STATUS(onshi_qualification_get_text(q, ONSHI_FIELD_NAME, NULL, 64, &n), ONSHI_BUFFER_TOO_SMALL);
    CHECK(n == strlen("見本　太郎"));
    CHECK_STATUS(onshi_qualification_get_text(q, ONSHI_FIELD_NAME, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "見本　太郎") == 0);
    onshi_qualification_free(q);
}

int main(int argc, char **argv) {
    snprintf(root_base, sizeof root_base, "onshi-misuse-%s", argc > 1 ? argv[1] : "default");
    uint64_t live_before = onshi_live_handle_count();
    test_use_after_free();
    test_threads_on_one_record();
    test_free_during_calls();
    test_text_input();
    test_client_free_while_waiting();
    test_cancel_tokens();
    test_per_call_errors();
    run_inside(0);
    run_inside(1);
    /* Every handle this program made is gone. */
    CHECK(onshi_live_handle_count() == live_before);
    printf("%d passed, %d failed\n", atomic_load(&passed), atomic_load(&failed));
    return atomic_load(&failed) == 0 ? 0 : 1;
}
