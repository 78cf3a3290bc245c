/*
 * C test of the onshi C ABI: every exported area, the size-query text protocol, and bad
 * input (NULLs, invalid UTF-8, wrong handles, out-of-range indexes, unknown enumeration
 * values) that must come back as a status, never a crash.
 *
 * Built by bindings/run-tests.sh with gcc (plain, under valgrind, with ASan + UBSan) and with
 * mingw-w64 for the Windows DLL under Wine. Prints "N passed, M failed"; exit 1 on failure.
 */
#include "onshi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int passed, failed;

#define CHECK(cond)                                                        \
    do {                                                                   \
        if (cond) {                                                        \
            passed++;                                                      \
        } else {                                                           \
            failed++;                                                      \
            fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                  \
    } while (0)

#define CHECK_STATUS(expr, want) CHECK((expr) == (want))
#define S(lit) (const uint8_t *)(lit), strlen(lit)

/* Size query, then fill: returns a malloc'd NUL-terminated copy, or NULL with *status set. */
static char *text_of_field(const onshi_qualification *q, onshi_field f, onshi_status *status) {
    size_t n = 0;
    onshi_status s = onshi_qualification_get_text(q, f, NULL, 0, &n);
    if (s != ONSHI_BUFFER_TOO_SMALL) {
        *status = s;
        return NULL;
    }
    char *buf = malloc(n + 1);
    size_t n2 = 0;
    s = onshi_qualification_get_text(q, f, buf, n + 1, &n2);
    *status = s;
    if (s != ONSHI_OK || n2 != n) {
        free(buf);
        return NULL;
    }
    return buf;
}

static int field_is(const onshi_qualification *q, onshi_field f, const char *want) {
    onshi_status s;
    char *t = text_of_field(q, f, &s);
    int ok = t != NULL && strcmp(t, want) == 0;
    if (!ok) fprintf(stderr, "  field %u: got %s (status %u), want %s\n", f, t ? t : "(null)", s, want);
    free(t);
    return ok;
}

static int last_error_contains(const onshi_qualification *q, const char *needle) {
    char buf[512];
    size_t n = 0;
    if (onshi_qualification_last_error(q, buf, sizeof buf, &n) != ONSHI_OK) return 0;
    return strstr(buf, needle) != NULL;
}

static void test_version(void) {
    char buf[32];
    size_t n = 0;
    CHECK_STATUS(onshi_version(buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, ONSHI_VERSION_STRING) == 0);
    CHECK(n == strlen(ONSHI_VERSION_STRING));
    CHECK(onshi_version_number() == ONSHI_VERSION_NUMBER);
    CHECK(ONSHI_VERSION_NUMBER == ONSHI_VERSION_MAJOR * 1000000 + ONSHI_VERSION_MINOR * 1000 + ONSHI_VERSION_PATCH);
    CHECK(onshi_record_schema_version() == ONSHI_RECORD_SCHEMA_VERSION);
}

static void test_text_protocol_and_status(void) {
    size_t n = 12345;
    /* Size query: nothing copied, length reported. */
    CHECK_STATUS(onshi_status_name(ONSHI_NULL_PARAMETER, NULL, 0, &n), ONSHI_BUFFER_TOO_SMALL);
    CHECK(n == strlen("ONSHI_NULL_PARAMETER"));
    /* Exactly the length is too small (the NUL needs a byte); untouched buffer. */
    char small[20];
    memset(small, 'x', sizeof small);
    CHECK_STATUS(onshi_status_name(ONSHI_NULL_PARAMETER, small, 20, &n), ONSHI_BUFFER_TOO_SMALL);
    CHECK(small[0] == 'x');
    char buf[64];
    CHECK_STATUS(onshi_status_name(ONSHI_NULL_PARAMETER, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "ONSHI_NULL_PARAMETER") == 0);
    CHECK_STATUS(onshi_status_name(ONSHI_ID_CHECK_DIGIT, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "ONSHI_ID_CHECK_DIGIT") == 0);
    CHECK_STATUS(onshi_status_name(ONSHI_CARD_WRONG_PIN, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "ONSHI_CARD_WRONG_PIN") == 0 && ONSHI_CARD_WRONG_PIN == 506);
    CHECK_STATUS(onshi_status_name(4242, buf, sizeof buf, &n), ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_status_message(299, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "XML") != NULL);
    /* NULL out_len, NULL buffer with a capacity. */
    CHECK_STATUS(onshi_status_name(ONSHI_OK, buf, sizeof buf, NULL), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_status_name(ONSHI_OK, NULL, 10, &n), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_version(NULL, 0, NULL), ONSHI_NULL_PARAMETER);
}

static void test_ids(void) {
    onshi_error *err = onshi_error_new();
    CHECK(err != NULL);
    CHECK(onshi_error_status(err) == ONSHI_OK);
    char buf[128];
    size_t n = 0;

    CHECK_STATUS(onshi_check_digit_verify(err, S("33120015")), ONSHI_OK);
    CHECK_STATUS(onshi_check_digit_verify(err, S("33120016")), ONSHI_ID_CHECK_DIGIT);
    CHECK(onshi_error_status(err) == ONSHI_ID_CHECK_DIGIT);
    CHECK_STATUS(onshi_error_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "expected 5") != NULL);
    /* A later success resets the error object. */
    CHECK_STATUS(onshi_check_digit_verify(err, S("１３８０５７")), ONSHI_OK);
    CHECK(onshi_error_status(err) == ONSHI_OK);
    CHECK_STATUS(onshi_error_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(n == 0 && buf[0] == '\0');
    /* NULL error object is accepted. */
    CHECK_STATUS(onshi_check_digit_verify(NULL, S("138058")), ONSHI_ID_CHECK_DIGIT);
    /* (NULL, 0) is an empty string: an empty identifier. */
    CHECK_STATUS(onshi_check_digit_verify(err, NULL, 0), ONSHI_ID_EMPTY);
    CHECK_STATUS(onshi_check_digit_verify(err, NULL, 5), ONSHI_NULL_PARAMETER);
    const uint8_t bad[] = {'1', 0xff, '3'};
    CHECK_STATUS(onshi_check_digit_verify(err, bad, sizeof bad), ONSHI_INVALID_UTF8);
    CHECK(onshi_error_status(err) == ONSHI_INVALID_UTF8);

    uint8_t digit = 99;
    CHECK_STATUS(onshi_check_digit_compute(S("13805"), &digit), ONSHI_OK);
    CHECK(digit == 7);
    digit = 99;
    CHECK_STATUS(onshi_check_digit_compute(S("13a05"), &digit), ONSHI_INVALID_VALUE);
    CHECK(digit == 99); /* out-parameter untouched on failure */
    CHECK_STATUS(onshi_check_digit_compute(S("13805"), NULL), ONSHI_NULL_PARAMETER);

    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_INSURER_NUMBER, ONSHI_MODE_STRICT, S("  138057"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "138057") == 0);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_INSURER_NUMBER, ONSHI_MODE_STRICT, S("138058"), buf, sizeof buf, &n), ONSHI_ID_CHECK_DIGIT);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_INSURER_NUMBER, ONSHI_MODE_LENIENT, S("138058"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_INSURER_NUMBER, ONSHI_MODE_LENIENT, S("13a057"), buf, sizeof buf, &n), ONSHI_ID_NOT_DIGIT);
    CHECK_STATUS(onshi_error_message(err, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "character 3") != NULL);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_BRANCH_NUMBER, ONSHI_MODE_STRICT, S("１"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "01") == 0);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_CARD_SYMBOL, ONSHI_MODE_STRICT, S("１２－３４"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "12-34") == 0);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_PUBLIC_EXPENSE_PAYER_NUMBER, ONSHI_MODE_STRICT, S("54016027"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_RECIPIENT_NUMBER, ONSHI_MODE_STRICT, S("1234566"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_MEDICAL_INSTITUTION_CODE, ONSHI_MODE_STRICT, S("131234567"), buf, sizeof buf, &n), ONSHI_ID_LENGTH);
    CHECK_STATUS(onshi_id_normalize(err, 99, ONSHI_MODE_STRICT, S("1"), buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_id_normalize(err, ONSHI_ID_KIND_INSURER_NUMBER, 7, S("138057"), buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);

    CHECK_STATUS(onshi_insurer_number_to_wire(err, ONSHI_MODE_STRICT, S("138057"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "  138057") == 0 && n == 8);
    uint32_t flags = 0xdead;
    CHECK_STATUS(onshi_insurer_number_flags(err, ONSHI_MODE_STRICT, S("138057"), &flags), ONSHI_OK);
    CHECK(flags == ONSHI_INSURER_NATIONAL_HEALTH_INSURANCE);
    CHECK_STATUS(onshi_insurer_number_flags(err, ONSHI_MODE_STRICT, S("39131156"), &flags), ONSHI_OK);
    CHECK(flags == ONSHI_INSURER_LATE_ELDERLY);
    flags = 0xdead;
    CHECK_STATUS(onshi_insurer_number_flags(err, ONSHI_MODE_STRICT, S("39131157"), &flags), ONSHI_ID_CHECK_DIGIT);
    CHECK(flags == 0xdead);

    /* A handle of the wrong type is rejected, not misread. */
    onshi_qualification *q = onshi_qualification_new();
    CHECK_STATUS(onshi_check_digit_verify((onshi_error *)q, S("138057")), ONSHI_INVALID_HANDLE);
    CHECK(onshi_error_status((const onshi_error *)q) == ONSHI_INVALID_HANDLE);
    CHECK(onshi_error_status(NULL) == ONSHI_NULL_PARAMETER);
    onshi_error_free((onshi_error *)q); /* wrong type: ignored */
    onshi_qualification_free(q);
    onshi_error_free(err);
    onshi_error_free(NULL);
}

static void test_codes(void) {
    char buf[128];
    size_t n = 0;
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY, S("4"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "該当資格なし") == 0);
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_INSURED_CARD_CLASSIFICATION, S(" A1 "), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "医療扶助") == 0);
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_SEX, S("9"), buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "不明なコード") == 0);
    bool known = true;
    CHECK_STATUS(onshi_code_is_known(ONSHI_CODE_TABLE_SEX, S("9"), &known), ONSHI_OK);
    CHECK(!known);
    CHECK_STATUS(onshi_code_is_known(ONSHI_CODE_TABLE_SEX, S("2"), &known), ONSHI_OK);
    CHECK(known);
    size_t count = 0;
    CHECK_STATUS(onshi_code_count(ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG, &count), ONSHI_OK);
    CHECK(count == 16);
    /* Every listed value is known and labelled. */
    for (size_t i = 0; i < count; i++) {
        CHECK_STATUS(onshi_code_wire_at(ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG, i, buf, sizeof buf, &n), ONSHI_OK);
        CHECK_STATUS(onshi_code_is_known(ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG, (const uint8_t *)buf, n, &known), ONSHI_OK);
        CHECK(known);
    }
    CHECK_STATUS(onshi_code_wire_at(ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG, count, buf, sizeof buf, &n), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_code_wire_at(ONSHI_CODE_TABLE_LIMIT_CLASSIFICATION_FLAG, (size_t)-1, buf, sizeof buf, &n), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_code_table_name(ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "OQSCD006") == 0);
    CHECK_STATUS(onshi_code_count(0, &count), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_code_label(999, S("1"), buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);
    const uint8_t bad[] = {0xe3, 0x81};
    CHECK_STATUS(onshi_code_label(ONSHI_CODE_TABLE_SEX, bad, sizeof bad, buf, sizeof buf, &n), ONSHI_INVALID_UTF8);
}

static void test_qualification_fields(void) {
    onshi_qualification *q = onshi_qualification_new();
    CHECK(q != NULL);
    onshi_status s;

    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME, S("見本　花子")), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_NAME, "見本　花子"));
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME_KANA, S("ﾐﾎﾝ ﾊﾅｺ")), ONSHI_OK);
    /* Identifiers are normalized; malformed ones fail with the library's code and message. */
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURER_NUMBER, S("　１３８０５７")), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_INSURER_NUMBER, "138057"));
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURER_NUMBER, S("12345")), ONSHI_ID_LENGTH);
    CHECK(last_error_contains(q, "保険者番号"));
    CHECK(field_is(q, ONSHI_FIELD_INSURER_NUMBER, "138057")); /* unchanged */
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURED_IDENTIFICATION_NUMBER, S("100")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURED_BRANCH_NUMBER, S("1")), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_INSURED_BRANCH_NUMBER, "01"));
    /* Codes keep unknown values. */
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_SEX1, S("2")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_SEX2, S("8")), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_SEX2, "8"));

    /* Dates: typed and as text. */
    onshi_date d = {1980, 1, 31};
    CHECK_STATUS(onshi_qualification_set_date(q, ONSHI_FIELD_BIRTHDATE, &d), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_BIRTHDATE, "1980-01-31"));
    onshi_date back = {0, 0, 0};
    CHECK_STATUS(onshi_qualification_get_date(q, ONSHI_FIELD_BIRTHDATE, &back), ONSHI_OK);
    CHECK(back.year == 1980 && back.month == 1 && back.day == 31);
    onshi_date feb30 = {2024, 2, 30};
    CHECK_STATUS(onshi_qualification_set_date(q, ONSHI_FIELD_BIRTHDATE, &feb30), ONSHI_INVALID_VALUE);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_QUALIFICATION_DATE, S("2023-02-29")), ONSHI_INVALID_VALUE);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_QUALIFICATION_DATE, S("2024-04-01")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_date(q, ONSHI_FIELD_NAME, &d), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_qualification_set_date(q, ONSHI_FIELD_BIRTHDATE, NULL), ONSHI_NULL_PARAMETER);

    /* Date-times. */
    onshi_datetime t = {2024, 4, 1, 9, 30, 5};
    CHECK_STATUS(onshi_qualification_set_datetime(q, ONSHI_FIELD_LIMIT_CONSENT_TIME, &t), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_LIMIT_CONSENT_TIME, "2024-04-01T09:30:05"));
    onshi_datetime t2;
    memset(&t2, 0, sizeof t2);
    CHECK_STATUS(onshi_qualification_get_datetime(q, ONSHI_FIELD_LIMIT_CONSENT_TIME, &t2), ONSHI_OK);
    CHECK(t2.hour == 9 && t2.minute == 30 && t2.second == 5);
    onshi_datetime bad_t = {2024, 4, 1, 24, 0, 0};
    CHECK_STATUS(onshi_qualification_set_datetime(q, ONSHI_FIELD_LIMIT_CONSENT_TIME, &bad_t), ONSHI_INVALID_VALUE);

    /* Ratios: percent, or the wire text. Nested records are created on first write. */
    CHECK_STATUS(onshi_qualification_set_u32(q, ONSHI_FIELD_ELDERLY_RECIPIENT_CONTRIBUTION_RATIO, 20), ONSHI_OK);
    uint32_t pct = 0;
    CHECK_STATUS(onshi_qualification_get_u32(q, ONSHI_FIELD_ELDERLY_RECIPIENT_CONTRIBUTION_RATIO, &pct), ONSHI_OK);
    CHECK(pct == 20);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO, S("030")), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO, "30"));
    CHECK_STATUS(onshi_qualification_set_u32(q, ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO, 101), ONSHI_INVALID_VALUE);
    CHECK_STATUS(onshi_qualification_get_u32(q, ONSHI_FIELD_NAME, &pct), ONSHI_TYPE_MISMATCH);
    CHECK(last_error_contains(q, "accessor"));

    /* Absent values, clearing, unknown fields, list fields on the record. */
    pct = 77;
    CHECK_STATUS(onshi_qualification_get_u32(q, ONSHI_FIELD_LIMIT_CERTIFICATE_CLASSIFICATION_FLAG, &pct), ONSHI_TYPE_MISMATCH);
    char *absent = text_of_field(q, ONSHI_FIELD_ADDRESS, &s);
    CHECK(absent == NULL && s == ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_qualification_clear(q, ONSHI_FIELD_NAME_KANA), ONSHI_OK);
    absent = text_of_field(q, ONSHI_FIELD_NAME_KANA, &s);
    CHECK(absent == NULL && s == ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_qualification_clear(q, ONSHI_FIELD_ELDERLY_RECIPIENT_CONTRIBUTION_RATIO), ONSHI_OK);
    size_t n;
    char buf[256];
    CHECK_STATUS(onshi_qualification_get_text(q, 9999, buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_qualification_get_text(q, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, buf, sizeof buf, &n), ONSHI_TYPE_MISMATCH);
    /* Empty text: fine for a text field, invalid for a date. */
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURER_NAME, NULL, 0), ONSHI_OK);
    CHECK(field_is(q, ONSHI_FIELD_INSURER_NAME, ""));
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_QUALIFICATION_DATE, NULL, 0), ONSHI_INVALID_VALUE);
    const uint8_t bad[] = {0xc3, 0x28};
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME, bad, sizeof bad), ONSHI_INVALID_UTF8);
    CHECK(field_is(q, ONSHI_FIELD_NAME, "見本　花子"));

    /* Facts. */
    bool yes = true;
    CHECK_STATUS(onshi_qualification_is_public_assistance(q, &yes), ONSHI_OK);
    CHECK(!yes);
    CHECK_STATUS(onshi_qualification_confirmable_by_card_number(q, &yes), ONSHI_OK);
    CHECK(yes);
    CHECK_STATUS(onshi_qualification_card_number_reason(q, buf, sizeof buf, &n), ONSHI_NOT_PRESENT);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURED_CARD_CLASSIFICATION, S("A1")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_is_public_assistance(q, &yes), ONSHI_OK);
    CHECK(yes);
    CHECK_STATUS(onshi_qualification_card_number_reason(q, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strstr(buf, "マイナンバーカード") != NULL);

    /* Field metadata. */
    onshi_value_type vt = 0;
    CHECK_STATUS(onshi_field_value_type(ONSHI_FIELD_BIRTHDATE, &vt), ONSHI_OK);
    CHECK(vt == ONSHI_VALUE_TYPE_DATE);
    onshi_code_table table = 0;
    CHECK_STATUS(onshi_field_code_table(ONSHI_FIELD_SEX1, &table), ONSHI_OK);
    CHECK(table == ONSHI_CODE_TABLE_SEX);
    CHECK_STATUS(onshi_field_code_table(ONSHI_FIELD_NAME, &table), ONSHI_NOT_PRESENT);
    onshi_list list = 99;
    CHECK_STATUS(onshi_field_list(ONSHI_FIELD_CONSENT_FLAG, &list), ONSHI_OK);
    CHECK(list == ONSHI_LIST_CONSENTS);
    CHECK_STATUS(onshi_field_name(ONSHI_FIELD_LIMIT_CERTIFICATE_VALID_END_DATE, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "limit_certificate.valid_end_date") == 0);
    CHECK_STATUS(onshi_field_value_type(0, &vt), ONSHI_INVALID_ARGUMENT);

    onshi_qualification_free(q);
}

static void test_lists(void) {
    onshi_qualification *q = onshi_qualification_new();
    size_t count = 99, idx = 99, n;
    char buf[256];

    CHECK_STATUS(onshi_qualification_count(q, ONSHI_LIST_SPECIFIC_DISEASES, &count), ONSHI_OK);
    CHECK(count == 0);
    CHECK_STATUS(onshi_qualification_item_get_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, buf, sizeof buf, &n), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_qualification_item_add(q, ONSHI_LIST_SPECIFIC_DISEASES, &idx), ONSHI_OK);
    CHECK(idx == 0);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, S("1")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_set_u32(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_SELF_PAY, 10000), ONSHI_OK);
    onshi_date start = {2024, 4, 1};
    CHECK_STATUS(onshi_qualification_item_set_date(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_VALID_START_DATE, &start), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_add(q, ONSHI_LIST_SPECIFIC_DISEASES, &idx), ONSHI_OK);
    CHECK(idx == 1);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 1, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, S("2")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_count(q, ONSHI_LIST_SPECIFIC_DISEASES, &count), ONSHI_OK);
    CHECK(count == 2);
    uint32_t yen = 0;
    CHECK_STATUS(onshi_qualification_item_get_u32(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_SELF_PAY, &yen), ONSHI_OK);
    CHECK(yen == 10000);
    onshi_date got;
    CHECK_STATUS(onshi_qualification_item_get_date(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_VALID_START_DATE, &got), ONSHI_OK);
    CHECK(got.year == 2024 && got.month == 4 && got.day == 1);
    /* A field of another list is a mismatch; a record field too. */
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_MEDICAL_TICKET_ISSUE_NUMBER, S("1")), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_NAME, S("x")), ONSHI_TYPE_MISMATCH);
    CHECK_STATUS(onshi_qualification_item_remove(q, ONSHI_LIST_SPECIFIC_DISEASES, 0), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_get_text(q, ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "2") == 0);
    CHECK_STATUS(onshi_qualification_item_remove(q, ONSHI_LIST_SPECIFIC_DISEASES, 5), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_qualification_item_remove(q, ONSHI_LIST_SPECIFIC_DISEASES, (size_t)-1), ONSHI_OUT_OF_RANGE);

    /* Medical tickets: the numbered 傷病名 slots. */
    CHECK_STATUS(onshi_qualification_item_add(q, ONSHI_LIST_MEDICAL_TICKETS, &idx), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_MEDICAL_TICKETS, idx, ONSHI_FIELD_MEDICAL_TICKET_INJURY_NAME_2, S("感冒")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_get_text(q, ONSHI_LIST_MEDICAL_TICKETS, idx, ONSHI_FIELD_MEDICAL_TICKET_INJURY_NAME_1, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(n == 0);
    CHECK_STATUS(onshi_qualification_item_get_text(q, ONSHI_LIST_MEDICAL_TICKETS, idx, ONSHI_FIELD_MEDICAL_TICKET_INJURY_NAME_3, buf, sizeof buf, &n), ONSHI_NOT_PRESENT);

    /* Consents: 10 fixed items. */
    CHECK_STATUS(onshi_qualification_count(q, ONSHI_LIST_CONSENTS, &count), ONSHI_OK);
    CHECK(count == 10);
    CHECK_STATUS(onshi_qualification_item_get_text(q, ONSHI_LIST_CONSENTS, 1, ONSHI_FIELD_CONSENT_KIND, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(strcmp(buf, "PharmacistsInfo") == 0);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_CONSENTS, 1, ONSHI_FIELD_CONSENT_KIND, S("x")), ONSHI_READ_ONLY);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_CONSENTS, 1, ONSHI_FIELD_CONSENT_FLAG, S("1")), ONSHI_OK);
    onshi_datetime until = {2024, 4, 2, 12, 0, 0};
    CHECK_STATUS(onshi_qualification_item_set_datetime(q, ONSHI_LIST_CONSENTS, 1, ONSHI_FIELD_CONSENT_AVAILABLE_TIME, &until), ONSHI_OK);
    onshi_datetime now = {2024, 4, 2, 11, 59, 59}, later = {2024, 4, 2, 12, 0, 1};
    bool valid = false;
    CHECK_STATUS(onshi_qualification_consent_valid_at(q, 1, &now, &valid), ONSHI_OK);
    CHECK(valid);
    CHECK_STATUS(onshi_qualification_consent_valid_at(q, 1, &later, &valid), ONSHI_OK);
    CHECK(!valid);
    CHECK_STATUS(onshi_qualification_consent_valid_at(q, 10, &now, &valid), ONSHI_OUT_OF_RANGE);
    CHECK_STATUS(onshi_qualification_item_add(q, ONSHI_LIST_CONSENTS, &idx), ONSHI_READ_ONLY);
    CHECK_STATUS(onshi_qualification_item_remove(q, ONSHI_LIST_CONSENTS, 0), ONSHI_READ_ONLY);
    CHECK_STATUS(onshi_qualification_count(q, 42, &count), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_qualification_item_get_text(q, 42, 0, ONSHI_FIELD_CONSENT_FLAG, buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);

    onshi_qualification_free(q);
}

static char *to_json(const onshi_qualification *q) {
    size_t n = 0;
    if (onshi_qualification_to_json(q, NULL, 0, &n) != ONSHI_BUFFER_TOO_SMALL) return NULL;
    char *buf = malloc(n + 1);
    if (onshi_qualification_to_json(q, buf, n + 1, &n) != ONSHI_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

static void test_json_clone_equal(void) {
    onshi_qualification *q = onshi_qualification_new();
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME, S("見本　太郎")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_INSURER_NUMBER, S("06132013")), ONSHI_OK);
    size_t idx;
    CHECK_STATUS(onshi_qualification_item_add(q, ONSHI_LIST_SPECIFIC_DISEASES, &idx), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_item_set_text(q, ONSHI_LIST_SPECIFIC_DISEASES, idx, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, S("3")), ONSHI_OK);

    char *json = to_json(q);
    CHECK(json != NULL && strstr(json, "\"insurer_number\":\"06132013\"") != NULL);

    onshi_error *err = onshi_error_new();
    onshi_qualification *r = NULL;
    CHECK_STATUS(onshi_qualification_from_json(err, (const uint8_t *)json, strlen(json), &r), ONSHI_OK);
    bool eq = false;
    CHECK_STATUS(onshi_qualification_equal(q, r, &eq), ONSHI_OK);
    CHECK(eq);
    onshi_qualification *c = NULL;
    CHECK_STATUS(onshi_qualification_clone(r, &c), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_set_text(c, ONSHI_FIELD_NAME, S("別人")), ONSHI_OK);
    CHECK_STATUS(onshi_qualification_equal(q, c, &eq), ONSHI_OK);
    CHECK(!eq);
    CHECK(field_is(r, ONSHI_FIELD_NAME, "見本　太郎")); /* the clone is independent */

    onshi_qualification *none = (onshi_qualification *)0x1;
    CHECK_STATUS(onshi_qualification_from_json(err, S("{\"birthdate\":\"1980-13-01\"}"), &none), ONSHI_JSON);
    CHECK(none == (onshi_qualification *)0x1);
    char msg[256];
    size_t n;
    CHECK_STATUS(onshi_error_message(err, msg, sizeof msg, &n), ONSHI_OK);
    CHECK(strstr(msg, "JSON") != NULL);
    CHECK_STATUS(onshi_qualification_from_json(err, S("[1,2"), &none), ONSHI_JSON);
    CHECK_STATUS(onshi_qualification_from_json(NULL, NULL, 0, &none), ONSHI_JSON);
    CHECK_STATUS(onshi_qualification_from_json(err, S("{}"), NULL), ONSHI_NULL_PARAMETER);
    /* {} is a valid, empty record. */
    onshi_qualification *empty = NULL;
    CHECK_STATUS(onshi_qualification_from_json(err, S("{}"), &empty), ONSHI_OK);
    onshi_qualification *fresh = onshi_qualification_new();
    CHECK_STATUS(onshi_qualification_equal(empty, fresh, &eq), ONSHI_OK);
    CHECK(eq);

    free(json);
    onshi_qualification_free(fresh);
    onshi_qualification_free(empty);
    onshi_qualification_free(c);
    onshi_qualification_free(r);
    onshi_qualification_free(q);
    onshi_error_free(err);
}

static void test_null_and_wrong_handles(void) {
    char buf[16];
    size_t n = 0;
    onshi_date d = {2024, 1, 1};
    bool b;
    CHECK_STATUS(onshi_qualification_get_text(NULL, ONSHI_FIELD_NAME, buf, sizeof buf, &n), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_set_text(NULL, ONSHI_FIELD_NAME, S("x")), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_set_date(NULL, ONSHI_FIELD_BIRTHDATE, &d), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_to_json(NULL, buf, sizeof buf, &n), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_last_error(NULL, buf, sizeof buf, &n), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_clone(NULL, NULL), ONSHI_NULL_PARAMETER);
    CHECK_STATUS(onshi_qualification_equal(NULL, NULL, &b), ONSHI_NULL_PARAMETER);
    onshi_qualification_free(NULL);

    onshi_error *err = onshi_error_new();
    onshi_qualification *as_q = (onshi_qualification *)err;
    CHECK_STATUS(onshi_qualification_set_text(as_q, ONSHI_FIELD_NAME, S("x")), ONSHI_INVALID_HANDLE);
    CHECK_STATUS(onshi_qualification_get_text(as_q, ONSHI_FIELD_NAME, buf, sizeof buf, &n), ONSHI_INVALID_HANDLE);
    onshi_qualification_free(as_q); /* wrong type: ignored, err stays usable */
    CHECK(onshi_error_status(err) == ONSHI_OK);
    /* A misaligned pointer is rejected before it is read. */
    CHECK_STATUS(onshi_qualification_to_json((const onshi_qualification *)((char *)err + 1), buf, sizeof buf, &n), ONSHI_INVALID_HANDLE);
    onshi_error_free(err);

    /* The last error survives successes and is per handle. */
    onshi_qualification *q = onshi_qualification_new();
    CHECK_STATUS(onshi_qualification_last_error(q, buf, sizeof buf, &n), ONSHI_OK);
    CHECK(n == 0);
    CHECK_STATUS(onshi_qualification_get_text(q, 12345, buf, sizeof buf, &n), ONSHI_INVALID_ARGUMENT);
    CHECK_STATUS(onshi_qualification_set_text(q, ONSHI_FIELD_NAME, S("x")), ONSHI_OK);
    CHECK(last_error_contains(q, "unknown field 12345"));
    /* A text too big for the buffer is not an error and keeps the last one. */
    CHECK_STATUS(onshi_qualification_to_json(q, buf, 2, &n), ONSHI_BUFFER_TOO_SMALL);
    CHECK(last_error_contains(q, "unknown field 12345"));
    onshi_qualification_free(q);
}

int main(void) {
    test_version();
    test_text_protocol_and_status();
    test_ids();
    test_codes();
    test_qualification_fields();
    test_lists();
    test_json_clone_equal();
    test_null_and_wrong_handles();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
