// C++ test of bindings/cpp/onshi.hpp: RAII ownership, move-only handles, exceptions with
// status and message, optional values, and the same bad input as the C test.
// Includes the header twice on purpose (double-include guard) and links with second_tu.cpp,
// which includes it too (inline functions, no ODR clash).
#include "onshi.hpp"
#include "onshi.hpp"

#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

int second_tu_uses_the_header();

static int passed, failed;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (cond) {                                                              \
            passed++;                                                            \
        } else {                                                                 \
            failed++;                                                            \
            std::fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

// Runs `f`, expecting onshi::Error with `status`; returns its message.
template <class F>
static std::string expect_error(onshi_status status, F &&f) {
    try {
        f();
    } catch (const onshi::Error &e) {
        CHECK(e.status() == status);
        if (e.status() != status) std::fprintf(stderr, "  got status %u: %s\n", e.status(), e.what());
        return e.what();
    }
    CHECK(!"no exception");
    return {};
}

static_assert(!std::is_copy_constructible_v<onshi::Qualification>, "move-only");
static_assert(std::is_nothrow_move_constructible_v<onshi::Qualification>, "cheap moves");

static void test_free_functions() {
    CHECK(onshi::version() == ONSHI_VERSION_STRING);
    CHECK(onshi::status_name(ONSHI_OUT_OF_RANGE) == "ONSHI_OUT_OF_RANGE");
    CHECK(onshi::status_name(4242).empty());
    onshi::check_digit_verify("33120015");
    std::string m = expect_error(ONSHI_ID_CHECK_DIGIT, [] { onshi::check_digit_verify("33120016"); });
    CHECK(m.find("expected 5") != std::string::npos);
    expect_error(ONSHI_INVALID_UTF8, [] { onshi::check_digit_verify(std::string_view("\xff\xfe", 2)); });
    CHECK(onshi::check_digit_compute("13805") == 7);
    expect_error(ONSHI_INVALID_VALUE, [] { onshi::check_digit_compute("1x"); });
    CHECK(onshi::normalize_id(ONSHI_ID_KIND_INSURER_NUMBER, "00138057") == "138057");
    CHECK(onshi::normalize_id(ONSHI_ID_KIND_INSURER_NUMBER, "138058", ONSHI_MODE_LENIENT) == "138058");
    m = expect_error(ONSHI_ID_PREFECTURE, [] { onshi::normalize_id(ONSHI_ID_KIND_INSURER_NUMBER, "991236"); });
    CHECK(m.find("prefecture") != std::string::npos);
    CHECK(onshi::insurer_number_to_wire("138057") == "  138057");
    CHECK(onshi::insurer_number_flags("39131156") == ONSHI_INSURER_LATE_ELDERLY);
    CHECK(onshi::code_label(ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY, "1") == "有効");
    CHECK(!onshi::code_is_known(ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY, "8"));
    auto values = onshi::code_values(ONSHI_CODE_TABLE_QUALIFICATION_VALIDITY);
    CHECK(values.size() == 6 && values.front() == "1" && values.back() == "6");
    expect_error(ONSHI_INVALID_ARGUMENT, [] { onshi::code_values(77); });
}

static void test_record() {
    onshi::Qualification q;
    CHECK(!q.text(ONSHI_FIELD_NAME).has_value());
    q.set_text(ONSHI_FIELD_NAME, "見本　花子");
    CHECK(q.text(ONSHI_FIELD_NAME) == std::optional<std::string>("見本　花子"));
    q.set_text(ONSHI_FIELD_INSURER_NUMBER, "138057");
    q.set_text(ONSHI_FIELD_INSURED_IDENTIFICATION_NUMBER, "100");
    q.set_date(ONSHI_FIELD_BIRTHDATE, onshi_date{1980, 1, 1});
    auto d = q.date(ONSHI_FIELD_BIRTHDATE);
    CHECK(d && d->year == 1980 && d->month == 1 && d->day == 1);
    std::string m = expect_error(ONSHI_INVALID_VALUE, [&] { q.set_text(ONSHI_FIELD_BIRTHDATE, "1980/01/01"); });
    CHECK(m.find("YYYY-MM-DD") != std::string::npos);
    CHECK(m.find("1980") == std::string::npos); // the value is redacted from messages
    m = expect_error(ONSHI_ID_LENGTH,
                     [&] { q.set_text(ONSHI_FIELD_INSURER_NUMBER, "1234"); });
    CHECK(m.find("保険者番号") != std::string::npos);
    expect_error(ONSHI_TYPE_MISMATCH, [&] { q.u32(ONSHI_FIELD_NAME); });
    q.set_u32(ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO, 10);
    CHECK(q.u32(ONSHI_FIELD_INSURED_PARTIAL_CONTRIBUTION_RATIO) == std::optional<uint32_t>(10));
    q.set_datetime(ONSHI_FIELD_SPECIFIC_DISEASES_CONSENT_TIME, onshi_datetime{2024, 4, 1, 8, 0, 0});
    CHECK(q.text(ONSHI_FIELD_SPECIFIC_DISEASES_CONSENT_TIME) == std::optional<std::string>("2024-04-01T08:00:00"));
    q.clear(ONSHI_FIELD_SPECIFIC_DISEASES_CONSENT_TIME);
    CHECK(!q.datetime(ONSHI_FIELD_SPECIFIC_DISEASES_CONSENT_TIME));

    std::size_t i = q.add_item(ONSHI_LIST_SPECIFIC_DISEASES);
    q.set_item_text(ONSHI_LIST_SPECIFIC_DISEASES, i, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY, "1");
    q.set_item_u32(ONSHI_LIST_SPECIFIC_DISEASES, i, ONSHI_FIELD_SPECIFIC_DISEASE_SELF_PAY, 20000);
    q.set_item_date(ONSHI_LIST_SPECIFIC_DISEASES, i, ONSHI_FIELD_SPECIFIC_DISEASE_VALID_END_DATE, onshi_date{2025, 3, 31});
    CHECK(q.count(ONSHI_LIST_SPECIFIC_DISEASES) == 1);
    CHECK(q.item_u32(ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_SELF_PAY) == std::optional<uint32_t>(20000));
    CHECK(onshi::code_label(ONSHI_CODE_TABLE_SPECIFIC_DISEASE_CATEGORY,
                            *q.item_text(ONSHI_LIST_SPECIFIC_DISEASES, 0, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY))
              .find("透析") != std::string::npos);
    expect_error(ONSHI_OUT_OF_RANGE, [&] { q.item_text(ONSHI_LIST_SPECIFIC_DISEASES, 1, ONSHI_FIELD_SPECIFIC_DISEASE_CATEGORY); });
    expect_error(ONSHI_READ_ONLY, [&] { q.add_item(ONSHI_LIST_CONSENTS); });
    q.set_item_text(ONSHI_LIST_CONSENTS, 0, ONSHI_FIELD_CONSENT_FLAG, "1");
    CHECK(q.consent_valid_at(0, onshi_datetime{2030, 1, 1, 0, 0, 0}));
    CHECK(!q.consent_valid_at(1, onshi_datetime{2030, 1, 1, 0, 0, 0}));
    CHECK(q.item_text(ONSHI_LIST_CONSENTS, 0, ONSHI_FIELD_CONSENT_KIND) == std::optional<std::string>("SpecificHealthCheckupsInfo"));

    CHECK(!q.is_public_assistance());
    CHECK(!q.card_number_reason());

    // JSON round trip, clone, equality.
    std::string json = q.to_json();
    onshi::Qualification r = onshi::Qualification::from_json(json);
    CHECK(r == q);
    onshi::Qualification c = r.clone();
    c.set_text(ONSHI_FIELD_NAME, "別人");
    CHECK(c != r);
    m = expect_error(ONSHI_JSON, [] { onshi::Qualification::from_json("{\"sex1\": 1"); });
    CHECK(m.find("JSON") != std::string::npos);

    // A big value goes through the size query path.
    std::string big(5000, 'x');
    q.set_text(ONSHI_FIELD_ADDRESS, big);
    CHECK(q.text(ONSHI_FIELD_ADDRESS) == std::optional<std::string>(big));

    // Moves transfer ownership; the moved-from object fails cleanly instead of crashing.
    onshi::Qualification moved = std::move(q);
    CHECK(moved.text(ONSHI_FIELD_NAME).has_value());
    expect_error(ONSHI_NULL_PARAMETER, [&] { q.text(ONSHI_FIELD_NAME); });  // NOLINT(bugprone-use-after-move)
    onshi_qualification *raw = moved.release();
    onshi::Qualification again(raw);
    CHECK(again.text(ONSHI_FIELD_NAME) == std::optional<std::string>("見本　花子"));
}

int main() {
    try {
        test_free_functions();
        test_record();
        CHECK(second_tu_uses_the_header() == 2);
    } catch (const std::exception &e) {
        failed++;
        std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    }
    std::printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
