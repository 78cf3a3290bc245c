// onshi.hpp — header-only C++17 RAII wrapper over the onshi C ABI (include/onshi.h).
//
// * Handles are move-only classes owning a std::unique_ptr with the C _free as deleter;
//   capi() borrows the raw pointer, release() gives up ownership.
// * A failing call throws onshi::Error, which carries the onshi_status, the Japanese text for
//   reception staff (staff_message()) and the English detail for developers (detail(), also
//   what()). The terminal client's calls use an error object of their own per call, so two
//   threads on one Client never see each other's errors.
// * Every handle may be shared between threads (the library locks); a Client's blocking calls
//   take an optional CancelToken.
// * Absent values are std::nullopt, never an exception.
// * Strings are UTF-8 std::string / std::string_view; CP932 callers convert first.
//
// Every function is inline, so the header can be included from many translation units.
#ifndef ONSHI_HPP
#define ONSHI_HPP

#include "onshi.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onshi {

/// A failed call: the status, the Japanese text for staff and the English detail.
class Error : public std::runtime_error {
public:
    Error(onshi_status status, const std::string &detail, std::string staff = {})
        : std::runtime_error(detail), status_(status), staff_(std::move(staff)) {}

    /// The onshi_status of the failed call (never ONSHI_OK).
    onshi_status status() const noexcept { return status_; }
    /// What reception staff read, in Japanese: what happened and what to do.
    const std::string &staff_message() const noexcept { return staff_; }
    /// The English detail for developers and logs (the same as what()).
    std::string detail() const { return what(); }

private:
    onshi_status status_;
    std::string staff_;
};

namespace detail {

inline const uint8_t *bytes(std::string_view s) noexcept {
    return reinterpret_cast<const uint8_t *>(s.data());
}

/// Size query, then fill. `call(buf, cap, &len)` is any text-out function of the C ABI.
template <class Call>
onshi_status read_text(Call &&call, std::string &out) {
    char small[128];
    std::size_t n = 0;
    onshi_status s = call(small, sizeof small, &n);
    if (s == ONSHI_OK) {
        out.assign(small, n);
        return s;
    }
    while (s == ONSHI_BUFFER_TOO_SMALL) {
        std::string buf(n + 1, '\0');
        s = call(buf.data(), buf.size(), &n);
        if (s == ONSHI_OK) {
            buf.resize(n);
            out = std::move(buf);
        }
    }
    return s;
}

inline std::string status_message(onshi_status status) {
    std::string text;
    read_text([&](char *b, std::size_t c, std::size_t *n) { return onshi_status_message(status, b, c, n); },
              text);
    return text;
}

inline std::string status_message_ja(onshi_status status) {
    std::string text;
    read_text([&](char *b, std::size_t c, std::size_t *n) { return onshi_status_message_ja(status, b, c, n); },
              text);
    return text;
}

struct ErrorDeleter {
    void operator()(onshi_error *e) const noexcept { onshi_error_free(e); }
};

/// The exception for status `s`, with the parts an error object holds (when `err` is not NULL
/// and holds that failure) or the status's own texts.
inline Error error_of(onshi_status s, const onshi_error *err) {
    std::string detail, staff;
    if (err != nullptr && onshi_error_status(err) == s) {
        read_text([&](char *b, std::size_t c, std::size_t *n) { return onshi_error_message(err, b, c, n); }, detail);
        read_text([&](char *b, std::size_t c, std::size_t *n) { return onshi_error_staff_message(err, b, c, n); },
                  staff);
    }
    if (detail.empty()) detail = status_message(s);
    if (staff.empty()) staff = status_message_ja(s);
    return Error(s, detail, staff);
}

/// The exception for status `s` of a call on `handle`, from the handle's last failure.
inline Error error_of_handle(onshi_status s, const void *handle) {
    std::unique_ptr<onshi_error, ErrorDeleter> err(onshi_error_new());
    if (err && handle != nullptr && onshi_error_from_handle(err.get(), handle) == ONSHI_OK)
        return error_of(s, err.get());
    return error_of(s, nullptr);
}

struct QualificationDeleter {
    void operator()(onshi_qualification *q) const noexcept { onshi_qualification_free(q); }
};

/// Runs a free function with a temporary onshi_error and throws its message on failure.
template <class Call>
void call_with_error(Call &&call) {
    std::unique_ptr<onshi_error, ErrorDeleter> err(onshi_error_new());
    if (!err) throw std::bad_alloc();
    onshi_status s = call(err.get());
    if (s == ONSHI_OK) return;
    throw error_of(s, err.get());
}

inline void check(onshi_status s) {
    if (s != ONSHI_OK) throw error_of(s, nullptr);
}

}  // namespace detail

/// The version of the loaded library ("MAJOR.MINOR.PATCH").
inline std::string version() {
    std::string v;
    detail::check(detail::read_text(onshi_version, v));
    return v;
}

/// The symbolic name of a status ("ONSHI_NULL_PARAMETER"), or "" for an unassigned number.
inline std::string status_name(onshi_status status) {
    std::string v;
    detail::read_text([&](char *b, std::size_t c, std::size_t *n) { return onshi_status_name(status, b, c, n); },
                      v);
    return v;
}

/// A short English description of any status, for developers.
inline std::string status_message(onshi_status status) { return detail::status_message(status); }

/// A Japanese description of any status, for reception staff.
inline std::string status_message_ja(onshi_status status) { return detail::status_message_ja(status); }

/// How many handles of the library are alive (for leak checks in tests).
inline uint64_t live_handle_count() noexcept { return onshi_live_handle_count(); }

/// Throws onshi::Error (ONSHI_ID_CHECK_DIGIT and the expected digit) unless the check digit holds.
inline void check_digit_verify(std::string_view number) {
    detail::call_with_error(
        [&](onshi_error *e) { return onshi_check_digit_verify(e, detail::bytes(number), number.size()); });
}

/// The check digit of a body of ASCII digits.
inline uint8_t check_digit_compute(std::string_view body) {
    uint8_t d = 0;
    detail::check(onshi_check_digit_compute(detail::bytes(body), body.size(), &d));
    return d;
}

/// The マイナ保険証 利用率 report of a month from a JSON array of visits (the journal's shape),
/// counted per patient-month (ONSHI_REPORT_FORMAT_*). Pure: no disk, no clock.
inline std::string usage_report(std::string_view visits_json, int32_t year, uint32_t month,
                                onshi_report_format format = ONSHI_REPORT_FORMAT_JSON) {
    std::string out;
    detail::call_with_error([&](onshi_error *e) {
        return detail::read_text(
            [&](char *b, std::size_t c, std::size_t *n) {
                return onshi_usage_report(e, detail::bytes(visits_json), visits_json.size(), year, month, format, b, c,
                                          n);
            },
            out);
    });
    return out;
}

/// Parses an identifier and returns its normalized form.
inline std::string normalize_id(onshi_id_kind kind, std::string_view input, onshi_mode mode = ONSHI_MODE_STRICT) {
    std::string out;
    detail::call_with_error([&](onshi_error *e) {
        return detail::read_text(
            [&](char *b, std::size_t c, std::size_t *n) {
                return onshi_id_normalize(e, kind, mode, detail::bytes(input), input.size(), b, c, n);
            },
            out);
    });
    return out;
}

/// Parses a 保険者番号 and returns it space-padded to 8, as request files carry it.
inline std::string insurer_number_to_wire(std::string_view input, onshi_mode mode = ONSHI_MODE_STRICT) {
    std::string out;
    detail::call_with_error([&](onshi_error *e) {
        return detail::read_text(
            [&](char *b, std::size_t c, std::size_t *n) {
                return onshi_insurer_number_to_wire(e, mode, detail::bytes(input), input.size(), b, c, n);
            },
            out);
    });
    return out;
}

/// Parses a 保険者番号 and returns its ONSHI_INSURER_* flags.
inline uint32_t insurer_number_flags(std::string_view input, onshi_mode mode = ONSHI_MODE_STRICT) {
    uint32_t flags = 0;
    detail::call_with_error([&](onshi_error *e) {
        return onshi_insurer_number_flags(e, mode, detail::bytes(input), input.size(), &flags);
    });
    return flags;
}

/// The Japanese label of a code value ("不明なコード" when unknown), as it read on `on` (the
/// 資格確認日; nullptr: the newest label).
inline std::string code_label(onshi_code_table table, std::string_view wire, const onshi_date *on = nullptr) {
    std::string out;
    detail::check(detail::read_text(
        [&](char *b, std::size_t c, std::size_t *n) {
            return onshi_code_label(table, detail::bytes(wire), wire.size(), on, b, c, n);
        },
        out));
    return out;
}

/// Whether the library knows a code value.
inline bool code_is_known(onshi_code_table table, std::string_view wire) {
    bool known = false;
    detail::check(onshi_code_is_known(table, detail::bytes(wire), wire.size(), &known));
    return known;
}

/// Every known wire value of a table, in table order.
inline std::vector<std::string> code_values(onshi_code_table table) {
    std::size_t count = 0;
    detail::check(onshi_code_count(table, &count));
    std::vector<std::string> values(count);
    for (std::size_t i = 0; i < count; i++) {
        detail::check(detail::read_text(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_code_wire_at(table, i, b, c, n); }, values[i]));
    }
    return values;
}

class PublicExpense;

/// A qualification record (資格). Move-only; copy with clone().
class Qualification {
public:
    /// An empty record.
    Qualification() : ptr_(onshi_qualification_new()) {
        if (!ptr_) throw std::bad_alloc();
    }

    /// Takes ownership of a raw handle (NULL is not allowed).
    explicit Qualification(onshi_qualification *raw) : ptr_(raw) {
        if (!ptr_) throw Error(ONSHI_NULL_PARAMETER, "NULL onshi_qualification");
    }

    Qualification(Qualification &&) noexcept = default;
    Qualification &operator=(Qualification &&) noexcept = default;
    Qualification(const Qualification &) = delete;
    Qualification &operator=(const Qualification &) = delete;

    /// Reads a record from JSON (the documented record schema); throws ONSHI_JSON with the position.
    static Qualification from_json(std::string_view json) {
        onshi_qualification *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_qualification_from_json(e, detail::bytes(json), json.size(), &raw);
        });
        return Qualification(raw);
    }

    /// An independent copy.
    Qualification clone() const {
        onshi_qualification *raw = nullptr;
        check(onshi_qualification_clone(capi(), &raw));
        return Qualification(raw);
    }

    /// The record as JSON.
    std::string to_json() const {
        return text_or_throw([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_qualification_to_json(capi(), b, c, n);
        });
    }

    bool operator==(const Qualification &other) const {
        bool eq = false;
        check(onshi_qualification_equal(capi(), other.capi(), &eq));
        return eq;
    }
    bool operator!=(const Qualification &other) const { return !(*this == other); }

    /// A field as text; nullopt when absent.
    std::optional<std::string> text(onshi_field field) const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_qualification_get_text(capi(), field, b, c, n);
        });
    }
    void set_text(onshi_field field, std::string_view value) {
        check(onshi_qualification_set_text(capi(), field, detail::bytes(value), value.size()));
    }
    void clear(onshi_field field) { check(onshi_qualification_clear(capi(), field)); }

    std::optional<onshi_date> date(onshi_field field) const {
        onshi_date d{};
        return optional(onshi_qualification_get_date(capi(), field, &d), d);
    }
    void set_date(onshi_field field, const onshi_date &value) {
        check(onshi_qualification_set_date(capi(), field, &value));
    }
    std::optional<onshi_datetime> datetime(onshi_field field) const {
        onshi_datetime t{};
        return optional(onshi_qualification_get_datetime(capi(), field, &t), t);
    }
    void set_datetime(onshi_field field, const onshi_datetime &value) {
        check(onshi_qualification_set_datetime(capi(), field, &value));
    }
    /// An integer or ratio (percent) field.
    std::optional<uint32_t> u32(onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_qualification_get_u32(capi(), field, &v), v);
    }
    void set_u32(onshi_field field, uint32_t value) { check(onshi_qualification_set_u32(capi(), field, value)); }

    /// Number of items of a list.
    std::size_t count(onshi_list list) const {
        std::size_t n = 0;
        check(onshi_qualification_count(capi(), list, &n));
        return n;
    }
    /// Appends an empty item; returns its index.
    std::size_t add_item(onshi_list list) {
        std::size_t i = 0;
        check(onshi_qualification_item_add(capi(), list, &i));
        return i;
    }
    void remove_item(onshi_list list, std::size_t index) {
        check(onshi_qualification_item_remove(capi(), list, index));
    }
    std::optional<std::string> item_text(onshi_list list, std::size_t index, onshi_field field) const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_qualification_item_get_text(capi(), list, index, field, b, c, n);
        });
    }
    void set_item_text(onshi_list list, std::size_t index, onshi_field field, std::string_view value) {
        check(onshi_qualification_item_set_text(capi(), list, index, field, detail::bytes(value), value.size()));
    }
    void clear_item(onshi_list list, std::size_t index, onshi_field field) {
        check(onshi_qualification_item_clear(capi(), list, index, field));
    }
    std::optional<onshi_date> item_date(onshi_list list, std::size_t index, onshi_field field) const {
        onshi_date d{};
        return optional(onshi_qualification_item_get_date(capi(), list, index, field, &d), d);
    }
    void set_item_date(onshi_list list, std::size_t index, onshi_field field, const onshi_date &value) {
        check(onshi_qualification_item_set_date(capi(), list, index, field, &value));
    }
    std::optional<onshi_datetime> item_datetime(onshi_list list, std::size_t index, onshi_field field) const {
        onshi_datetime t{};
        return optional(onshi_qualification_item_get_datetime(capi(), list, index, field, &t), t);
    }
    void set_item_datetime(onshi_list list, std::size_t index, onshi_field field, const onshi_datetime &value) {
        check(onshi_qualification_item_set_datetime(capi(), list, index, field, &value));
    }
    std::optional<uint32_t> item_u32(onshi_list list, std::size_t index, onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_qualification_item_get_u32(capi(), list, index, field, &v), v);
    }
    void set_item_u32(onshi_list list, std::size_t index, onshi_field field, uint32_t value) {
        check(onshi_qualification_item_set_u32(capi(), list, index, field, value));
    }

    /// 医療扶助 (生活保護)?
    bool is_public_assistance() const {
        bool v = false;
        check(onshi_qualification_is_public_assistance(capi(), &v));
        return v;
    }
    /// Why the coverage cannot be confirmed by card number (Japanese); nullopt when it can.
    std::optional<std::string> card_number_reason() const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_qualification_card_number_reason(capi(), b, c, n);
        });
    }
    /// A copy of the 公費 at `index` of ONSHI_LIST_PUBLIC_EXPENSES (what PMH sent with it).
    PublicExpense public_expense_at(std::size_t index) const;
    /// Whether consent item `index` is agreed and not expired at `now`.
    bool consent_valid_at(std::size_t index, const onshi_datetime &now) const {
        bool v = false;
        check(onshi_qualification_consent_valid_at(capi(), index, &now, &v));
        return v;
    }

    /// The message of the most recent failed call on this record.
    std::string last_error() const {
        std::string m;
        detail::read_text(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_qualification_last_error(capi(), b, c, n); },
            m);
        return m;
    }

    /// Borrows the raw handle (still owned by this object).
    const onshi_qualification *capi() const noexcept { return ptr_.get(); }
    onshi_qualification *capi() noexcept { return ptr_.get(); }
    /// Gives up ownership; the caller must free the handle with onshi_qualification_free.
    onshi_qualification *release() noexcept { return ptr_.release(); }

private:
    void check(onshi_status s) const {
        if (s == ONSHI_OK) return;
        throw detail::error_of_handle(s, ptr_.get());
    }
    template <class T>
    std::optional<T> optional(onshi_status s, const T &value) const {
        if (s == ONSHI_NOT_PRESENT) return std::nullopt;
        check(s);
        return value;
    }
    template <class Call>
    std::optional<std::string> optional_text(Call &&call) const {
        std::string out;
        onshi_status s = detail::read_text(call, out);
        if (s == ONSHI_NOT_PRESENT) return std::nullopt;
        check(s);
        return out;
    }
    template <class Call>
    std::string text_or_throw(Call &&call) const {
        std::string out;
        check(detail::read_text(call, out));
        return out;
    }

    std::unique_ptr<onshi_qualification, detail::QualificationDeleter> ptr_;
};

namespace detail {

template <class T, void (*Free)(T *)>
struct Deleter {
    void operator()(T *p) const noexcept { Free(p); }
};

/// A move-only owner of one handle type, with the checks every wrapper shares: a failing
/// call throws onshi::Error with the handle's last error.
template <class T, void (*Free)(T *), onshi_status (*LastError)(const T *, char *, std::size_t, std::size_t *)>
class Owned {
public:
    Owned(Owned &&) noexcept = default;
    Owned &operator=(Owned &&) noexcept = default;
    Owned(const Owned &) = delete;
    Owned &operator=(const Owned &) = delete;

    /// Borrows the raw handle (still owned by this object).
    const T *capi() const noexcept { return ptr_.get(); }
    T *capi() noexcept { return ptr_.get(); }
    /// Gives up ownership; the caller must free the handle with its _free function.
    T *release() noexcept { return ptr_.release(); }

    /// The message of the most recent failed call on this handle.
    std::string last_error() const {
        std::string m;
        read_text([&](char *b, std::size_t c, std::size_t *n) { return LastError(ptr_.get(), b, c, n); }, m);
        return m;
    }

protected:
    explicit Owned(T *raw) : ptr_(raw) {
        if (!ptr_) throw Error(ONSHI_NULL_PARAMETER, "NULL handle");
    }
    void check(onshi_status s) const {
        if (s == ONSHI_OK) return;
        throw error_of_handle(s, ptr_.get());
    }
    template <class V>
    std::optional<V> optional(onshi_status s, const V &value) const {
        if (s == ONSHI_NOT_PRESENT) return std::nullopt;
        check(s);
        return value;
    }
    template <class Call>
    std::optional<std::string> optional_text(Call &&call) const {
        std::string out;
        onshi_status s = read_text(call, out);
        if (s == ONSHI_NOT_PRESENT) return std::nullopt;
        check(s);
        return out;
    }
    template <class Call>
    std::string text_of(Call &&call) const {
        std::string out;
        check(read_text(call, out));
        return out;
    }

private:
    std::unique_ptr<T, Deleter<T, Free>> ptr_;
};

}  // namespace detail

class Choices;
class BasicInfo;
class Document;

/// One 公費 (公費負担医療 / 地方単独医療費助成, PMH): a 受給者証 as PMH sends it or as staff
/// enter it from the paper 受給者証. Fields ONSHI_FIELD_PUBLIC_EXPENSE_*. Move-only; copy with
/// clone(). It has a history of its own (History::create with a PublicExpense).
class PublicExpense : public detail::Owned<onshi_public_expense, onshi_public_expense_free,
                                           onshi_public_expense_last_error> {
public:
    /// An empty 公費 (one entered from a paper 受給者証: set ONSHI_FIELD_PUBLIC_EXPENSE_SOURCE to "paper").
    PublicExpense() : Owned(onshi_public_expense_new()) {}
    /// Takes ownership of a raw handle (NULL is not allowed).
    explicit PublicExpense(onshi_public_expense *raw) : Owned(raw) {}

    /// Reads a 公費 from JSON (the record schema's PublicExpense).
    static PublicExpense from_json(std::string_view json) {
        onshi_public_expense *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_public_expense_from_json(e, detail::bytes(json), json.size(), &raw);
        });
        return PublicExpense(raw);
    }
    /// The 公費 of a 医療扶助 (生活保護) record; nullopt when it is not 医療扶助.
    static std::optional<PublicExpense> from_medical_assistance(const Qualification &q) {
        onshi_public_expense *raw = nullptr;
        onshi_status s = onshi_public_expense_from_medical_assistance(q.capi(), &raw);
        if (s == ONSHI_NOT_PRESENT) return std::nullopt;
        if (s != ONSHI_OK) throw detail::error_of_handle(s, q.capi());
        return PublicExpense(raw);
    }
    PublicExpense clone() const {
        onshi_public_expense *raw = nullptr;
        check(onshi_public_expense_clone(capi(), &raw));
        return PublicExpense(raw);
    }
    std::string to_json() const {
        return text_of(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_public_expense_to_json(capi(), b, c, n); });
    }
    bool operator==(const PublicExpense &other) const {
        bool eq = false;
        check(onshi_public_expense_equal(capi(), other.capi(), &eq));
        return eq;
    }
    bool operator!=(const PublicExpense &other) const { return !(*this == other); }

    /// A field as text; nullopt when absent.
    std::optional<std::string> text(onshi_field field) const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_public_expense_get_text(capi(), field, b, c, n);
        });
    }
    void set_text(onshi_field field, std::string_view value) {
        check(onshi_public_expense_set_text(capi(), field, detail::bytes(value), value.size()));
    }
    void clear(onshi_field field) { check(onshi_public_expense_clear(capi(), field)); }
    std::optional<onshi_date> date(onshi_field field) const {
        onshi_date d{};
        return optional(onshi_public_expense_get_date(capi(), field, &d), d);
    }
    void set_date(onshi_field field, const onshi_date &value) {
        check(onshi_public_expense_set_date(capi(), field, &value));
    }
    std::optional<uint32_t> u32(onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_public_expense_get_u32(capi(), field, &v), v);
    }
    void set_u32(onshi_field field, uint32_t value) { check(onshi_public_expense_set_u32(capi(), field, value)); }
    /// The programme of the 法別番号 (指定難病 …); nullopt for one the library does not name.
    std::optional<std::string> programme_label() const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_public_expense_programme_label(capi(), b, c, n);
        });
    }
    /// Whether `date` is within the validity period.
    bool valid_on(const onshi_date &date) const {
        bool v = false;
        check(onshi_public_expense_valid_on(capi(), &date, &v));
        return v;
    }
};

inline PublicExpense Qualification::public_expense_at(std::size_t index) const {
    onshi_public_expense *raw = nullptr;
    check(onshi_qualification_public_expense_at(capi(), index, &raw));
    return PublicExpense(raw);
}

/// A diff of the clinic's record with the terminal's answer: verdict, compared fields
/// (ONSHI_LIST_DIFF_FIELDS) with class, advice, action and Japanese message. Read-only.
class Diff : public detail::Owned<onshi_diff, onshi_diff_free, onshi_diff_last_error> {
public:
    /// Takes ownership of a raw handle.
    explicit Diff(onshi_diff *raw) : Owned(raw) {}

    /// Compares a registered record with a returned one on `confirmation_date`; `clinic`
    /// (ONSHI_CLINIC_KIND_*, 0: not checked) is the clinic's kind of care for the 医療券 checks.
    static Diff compare(const Qualification &registered, const Qualification &returned,
                        const onshi_date &confirmation_date, onshi_query_kind kind, onshi_clinic_kind clinic = 0) {
        onshi_diff *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_diff_compare(e, registered.capi(), returned.capi(), &confirmation_date, kind, clinic, &raw);
        });
        return Diff(raw);
    }
    /// Compares a registered 公費 with a returned one (read as PMH data) on `confirmation_date`.
    static Diff compare(const PublicExpense &registered, const PublicExpense &returned,
                        const onshi_date &confirmation_date, onshi_query_kind kind) {
        onshi_diff *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_diff_compare_public_expense(e, registered.capi(), returned.capi(), &confirmation_date,
                                                     kind, &raw);
        });
        return Diff(raw);
    }
    /// Reads a diff from its JSON, records included (a review kept between screens still
    /// applies while its history is at the same revision).
    static Diff from_json(std::string_view json) {
        onshi_diff *raw = nullptr;
        detail::call_with_error(
            [&](onshi_error *e) { return onshi_diff_from_json(e, detail::bytes(json), json.size(), &raw); });
        return Diff(raw);
    }
    std::string to_json() const {
        return text_of([&](char *b, std::size_t c, std::size_t *n) { return onshi_diff_to_json(capi(), b, c, n); });
    }
    onshi_verdict verdict() const { return u32(ONSHI_FIELD_DIFF_VERDICT).value_or(0); }
    /// What was compared: ONSHI_KIND_QUALIFICATION or ONSHI_KIND_PUBLIC_EXPENSE.
    onshi_record_kind kind() const { return u32(ONSHI_FIELD_DIFF_RECORD_KIND).value_or(0); }
    std::optional<std::string> text(onshi_field field) const {
        return optional_text(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_diff_get_text(capi(), field, b, c, n); });
    }
    std::optional<uint32_t> u32(onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_diff_get_u32(capi(), field, &v), v);
    }
    std::optional<onshi_date> date(onshi_field field) const {
        onshi_date d{};
        return optional(onshi_diff_get_date(capi(), field, &d), d);
    }
    std::size_t count(onshi_list list) const {
        std::size_t n = 0;
        check(onshi_diff_count(capi(), list, &n));
        return n;
    }
    std::optional<std::string> item_text(onshi_list list, std::size_t index, onshi_field field) const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_diff_item_get_text(capi(), list, index, field, b, c, n);
        });
    }
    std::optional<uint32_t> item_u32(onshi_list list, std::size_t index, onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_diff_item_get_u32(capi(), list, index, field, &v), v);
    }
    /// The index in ONSHI_LIST_DIFF_FIELDS of a compared field, or nullopt.
    std::optional<std::size_t> find(onshi_field field) const {
        for (std::size_t i = 0, n = count(ONSHI_LIST_DIFF_FIELDS); i < n; i++) {
            if (item_u32(ONSHI_LIST_DIFF_FIELDS, i, ONSHI_FIELD_DIFF_ITEM_FIELD) == field) return i;
        }
        return std::nullopt;
    }
    /// A copy of the returned record compared; nullopt when none came back.
    std::optional<Qualification> returned() const {
        onshi_qualification *raw = nullptr;
        onshi_status s = onshi_diff_returned(capi(), &raw);
        if (s == ONSHI_NOT_PRESENT) return std::nullopt;
        check(s);
        return Qualification(raw);
    }
    /// A 公費 diff: a copy of what PMH sent for it; nullopt when nothing came (unknown).
    std::optional<PublicExpense> returned_public_expense() const {
        onshi_public_expense *raw = nullptr;
        onshi_status s = onshi_diff_returned_public_expense(capi(), &raw);
        if (s == ONSHI_NOT_PRESENT) return std::nullopt;
        check(s);
        return PublicExpense(raw);
    }
    /// A 公費 diff: a copy of the registered 公費 it was made with.
    PublicExpense registered_public_expense() const {
        onshi_public_expense *raw = nullptr;
        check(onshi_diff_registered_public_expense(capi(), &raw));
        return PublicExpense(raw);
    }
};

/// The staff's decisions for one History::apply; new choices follow every recommendation.
class Choices : public detail::Owned<onshi_choices, onshi_choices_free, onshi_choices_last_error> {
public:
    Choices() : Owned(onshi_choices_new()) {}
    explicit Choices(onshi_choices *raw) : Owned(raw) {}
    static Choices from_json(std::string_view json) {
        onshi_choices *raw = nullptr;
        detail::call_with_error(
            [&](onshi_error *e) { return onshi_choices_from_json(e, detail::bytes(json), json.size(), &raw); });
        return Choices(raw);
    }
    std::string to_json() const {
        return text_of([&](char *b, std::size_t c, std::size_t *n) { return onshi_choices_to_json(capi(), b, c, n); });
    }
    Choices &set(onshi_field field, onshi_decision decision) {
        check(onshi_choices_set(capi(), field, decision));
        return *this;
    }
    Choices &clear(onshi_field field) {
        check(onshi_choices_clear(capi(), field));
        return *this;
    }
    Choices &identity_verified(bool verified) {
        check(onshi_choices_set_identity_verified(capi(), verified));
        return *this;
    }
    Choices &start_date(const std::optional<onshi_date> &date) {
        check(onshi_choices_set_start_date(capi(), date ? &*date : nullptr));
        return *this;
    }
};

/// A patient's history of their qualification or of one 公費: versions
/// (ONSHI_LIST_HISTORY_VERSIONS) and audit trail. kind() says which.
class History : public detail::Owned<onshi_history, onshi_history_free, onshi_history_last_error> {
public:
    explicit History(onshi_history *raw) : Owned(raw) {}

    /// The history of one 公費, its first version entered by hand (the paper 受給者証).
    static History create(const PublicExpense &first, const onshi_date &start, std::string_view actor,
                          const onshi_datetime &at) {
        onshi_history *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_history_new_public_expense(e, first.capi(), &start, detail::bytes(actor), actor.size(), &at,
                                                    &raw);
        });
        return History(raw);
    }
    /// The history of one 公費 PMH sent, linked to the result.
    static History from_result(const PublicExpense &first, const onshi_date &start, std::string_view result_id,
                               const onshi_date &confirmation_date, std::string_view actor,
                               const onshi_datetime &at) {
        onshi_history *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_history_from_result_public_expense(e, first.capi(), &start, detail::bytes(result_id),
                                                            result_id.size(), &confirmation_date,
                                                            detail::bytes(actor), actor.size(), &at, &raw);
        });
        return History(raw);
    }
    /// What the history keeps: ONSHI_KIND_QUALIFICATION or ONSHI_KIND_PUBLIC_EXPENSE.
    onshi_record_kind kind() const {
        onshi_record_kind k = 0;
        check(onshi_history_kind(capi(), &k));
        return k;
    }
    /// A 公費 history: a copy of the latest version's 公費.
    PublicExpense current_public_expense() const {
        onshi_public_expense *raw = nullptr;
        check(onshi_history_current_public_expense(capi(), &raw));
        return PublicExpense(raw);
    }
    PublicExpense version_public_expense(std::size_t index) const {
        onshi_public_expense *raw = nullptr;
        check(onshi_history_version_public_expense(capi(), index, &raw));
        return PublicExpense(raw);
    }
    /// A 公費 history: reviews a returned 公費 (read as PMH data of a valid answer).
    Diff review_record(const PublicExpense &returned, std::string_view result_id,
                       const onshi_date &confirmation_date, onshi_query_kind kind) const {
        onshi_diff *raw = nullptr;
        check(onshi_history_review_public_expense_record(capi(), returned.capi(), detail::bytes(result_id),
                                                         result_id.size(), &confirmation_date, kind, &raw));
        return Diff(raw);
    }

    /// A history whose first version was entered by hand.
    static History create(const Qualification &first, const onshi_date &start, std::string_view actor,
                          const onshi_datetime &at) {
        onshi_history *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_history_new(e, first.capi(), &start, detail::bytes(actor), actor.size(), &at, &raw);
        });
        return History(raw);
    }
    /// A history whose first version comes from a terminal result (新患登録), linked to it.
    static History from_result(const Qualification &first, const onshi_date &start, std::string_view result_id,
                               const onshi_date &confirmation_date, std::string_view actor,
                               const onshi_datetime &at) {
        onshi_history *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_history_from_result(e, first.capi(), &start, detail::bytes(result_id), result_id.size(),
                                             &confirmation_date, detail::bytes(actor), actor.size(), &at, &raw);
        });
        return History(raw);
    }
    static History from_json(std::string_view json) {
        onshi_history *raw = nullptr;
        detail::call_with_error(
            [&](onshi_error *e) { return onshi_history_from_json(e, detail::bytes(json), json.size(), &raw); });
        return History(raw);
    }
    std::string to_json() const {
        return text_of([&](char *b, std::size_t c, std::size_t *n) { return onshi_history_to_json(capi(), b, c, n); });
    }
    std::size_t count(onshi_list list) const {
        std::size_t n = 0;
        check(onshi_history_count(capi(), list, &n));
        return n;
    }
    std::optional<std::string> item_text(onshi_list list, std::size_t index, onshi_field field) const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_history_item_get_text(capi(), list, index, field, b, c, n);
        });
    }
    std::optional<uint32_t> item_u32(onshi_list list, std::size_t index, onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_history_item_get_u32(capi(), list, index, field, &v), v);
    }
    std::optional<onshi_date> item_date(onshi_list list, std::size_t index, onshi_field field) const {
        onshi_date d{};
        return optional(onshi_history_item_get_date(capi(), list, index, field, &d), d);
    }
    std::optional<onshi_datetime> item_datetime(onshi_list list, std::size_t index, onshi_field field) const {
        onshi_datetime t{};
        return optional(onshi_history_item_get_datetime(capi(), list, index, field, &t), t);
    }
    /// A copy of the latest version's qualification (what a diff is made against).
    Qualification current() const {
        onshi_qualification *raw = nullptr;
        check(onshi_history_current(capi(), &raw));
        return Qualification(raw);
    }
    Qualification version_qualification(std::size_t index) const {
        onshi_qualification *raw = nullptr;
        check(onshi_history_version_qualification(capi(), index, &raw));
        return Qualification(raw);
    }
    /// The index of the version in force on `date`, or nullopt.
    std::optional<std::size_t> at(const onshi_date &date) const {
        std::size_t i = 0;
        return optional(onshi_history_at(capi(), &date, &i), i);
    }
    /// Reviews a returned record against current(): the diff staff see, kept with what it
    /// judged, for apply(). `result_id` names the result (the res or face file name).
    /// `presentation` (ONSHI_PRESENTATION_*, 0: not recorded) is what the patient presented:
    /// kept with the confirmation and read by the advice. `clinic` (ONSHI_CLINIC_KIND_*, 0:
    /// not checked) is the clinic's kind of care. (Both are uint32_t: the 5th argument is
    /// always the presentation.)
    Diff review_record(const Qualification &returned, std::string_view result_id,
                       const onshi_date &confirmation_date, onshi_query_kind kind,
                       onshi_presentation presentation = 0, onshi_clinic_kind clinic = 0) const {
        onshi_diff *raw = nullptr;
        check(onshi_history_review_record_presented(capi(), returned.capi(), detail::bytes(result_id), result_id.size(),
                                                    &confirmation_date, kind, clinic, presentation, &raw));
        return Diff(raw);
    }
    /// Reviews the answer of a 資格確認結果 document (`unit` nullopt) or of a bulk answer's
    /// unit; `result_id` nullopt uses the document's file name, `confirmation_date` nullptr
    /// its 資格確認日, `kind` 0 its 照会区分; `clinic` (ONSHI_CLINIC_KIND_*, 0: not checked) is the
    /// clinic's kind of care for the 医療券 checks.
    Diff review(const Document &answer, std::optional<std::size_t> unit, std::optional<std::string_view> result_id,
                const onshi_date *confirmation_date = nullptr, onshi_query_kind kind = 0,
                onshi_clinic_kind clinic = 0) const;
    /// Applies a review made by this history (review(), review_record()); returns the number
    /// of audit events added (0 when the result was already applied).
    std::size_t apply(const Diff &review, const Choices *choices, onshi_start_date_policy policy,
                      std::string_view actor, const onshi_datetime &at) {
        std::size_t events = 0;
        check(onshi_history_apply(capi(), review.capi(), choices ? choices->capi() : nullptr, policy,
                                  detail::bytes(actor), actor.size(), &at, &events));
        return events;
    }
    void unlink(uint32_t version_id, std::string_view actor, const onshi_datetime &at) {
        check(onshi_history_unlink(capi(), version_id, detail::bytes(actor), actor.size(), &at));
    }
    void expire(uint32_t version_id, const onshi_date &last_day, std::string_view actor, const onshi_datetime &at) {
        check(onshi_history_expire(capi(), version_id, &last_day, detail::bytes(actor), actor.size(), &at));
    }
};

/// Candidates found for one person, best first (ONSHI_LIST_CANDIDATES).
class Candidates : public detail::Owned<onshi_candidates, onshi_candidates_free, onshi_candidates_last_error> {
public:
    explicit Candidates(onshi_candidates *raw) : Owned(raw) {}
    std::size_t size() const {
        std::size_t n = 0;
        check(onshi_candidates_count(capi(), ONSHI_LIST_CANDIDATES, &n));
        return n;
    }
    std::optional<std::string> text(std::size_t index, onshi_field field) const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_candidates_item_get_text(capi(), ONSHI_LIST_CANDIDATES, index, field, b, c, n);
        });
    }
    std::optional<uint32_t> u32(std::size_t index, onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_candidates_item_get_u32(capi(), ONSHI_LIST_CANDIDATES, index, field, &v), v);
    }
    std::string to_json() const {
        return text_of(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_candidates_to_json(capi(), b, c, n); });
    }
};

/// The 基本4情報 read from a マイナンバーカード.
class BasicInfo : public detail::Owned<onshi_basic_info, onshi_basic_info_free, onshi_basic_info_last_error> {
public:
    explicit BasicInfo(onshi_basic_info *raw) : Owned(raw) {}
    std::optional<std::string> text(onshi_field field) const {
        return optional_text(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_basic_info_get_text(capi(), field, b, c, n); });
    }
    std::optional<onshi_date> date(onshi_field field) const {
        onshi_date d{};
        return optional(onshi_basic_info_get_date(capi(), field, &d), d);
    }
    std::optional<uint32_t> u32(onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_basic_info_get_u32(capi(), field, &v), v);
    }
    std::string to_json() const {
        return text_of(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_basic_info_to_json(capi(), b, c, n); });
    }
};

/// The patients a result is matched against (ONSHI_LIST_PATIENTS).
class Matching : public detail::Owned<onshi_matching, onshi_matching_free, onshi_matching_last_error> {
public:
    Matching() : Owned(onshi_matching_new()) {}
    explicit Matching(onshi_matching *raw) : Owned(raw) {}
    static Matching from_json(std::string_view json) {
        onshi_matching *raw = nullptr;
        detail::call_with_error(
            [&](onshi_error *e) { return onshi_matching_from_json(e, detail::bytes(json), json.size(), &raw); });
        return Matching(raw);
    }
    std::string to_json() const {
        return text_of([&](char *b, std::size_t c, std::size_t *n) { return onshi_matching_to_json(capi(), b, c, n); });
    }
    std::size_t size() const {
        std::size_t n = 0;
        check(onshi_matching_count(capi(), ONSHI_LIST_PATIENTS, &n));
        return n;
    }
    /// Appends a patient with this id; returns its index.
    std::size_t add(std::string_view patient_id) {
        std::size_t i = 0;
        check(onshi_matching_item_add(capi(), ONSHI_LIST_PATIENTS, &i));
        set_text(i, ONSHI_FIELD_PATIENT_ID, patient_id);
        return i;
    }
    void set_text(std::size_t index, onshi_field field, std::string_view value) {
        check(onshi_matching_item_set_text(capi(), ONSHI_LIST_PATIENTS, index, field, detail::bytes(value),
                                           value.size()));
    }
    std::optional<std::string> text(std::size_t index, onshi_field field) const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_matching_item_get_text(capi(), ONSHI_LIST_PATIENTS, index, field, b, c, n);
        });
    }
    void set_date(std::size_t index, onshi_field field, const onshi_date &value) {
        check(onshi_matching_item_set_date(capi(), ONSHI_LIST_PATIENTS, index, field, &value));
    }
    /// Gives the patient at `index` a copy of a 公費 it holds (matching by 公費負担者番号 and 受給者番号).
    void add_public_expense(std::size_t index, const PublicExpense &p) {
        check(onshi_matching_add_public_expense(capi(), index, p.capi()));
    }
    void add_qualification(std::size_t index, const Qualification &q) {
        check(onshi_matching_add_qualification(capi(), index, q.capi()));
    }
    Candidates find(const Qualification &result) const {
        onshi_candidates *raw = nullptr;
        check(onshi_matching_find(capi(), result.capi(), &raw));
        return Candidates(raw);
    }
    Candidates find_card(const BasicInfo &info) const {
        onshi_candidates *raw = nullptr;
        check(onshi_matching_find_card(capi(), info.capi(), &raw));
        return Candidates(raw);
    }
};

/// A connection to one card: in a PC/SC reader, or the in-process virtual card.
class Card : public detail::Owned<onshi_card, onshi_card_free, onshi_card_last_error> {
public:
    explicit Card(onshi_card *raw) : Owned(raw) {}
    /// The names of the connected PC/SC readers.
    static std::vector<std::string> list_readers() {
        std::string all;
        detail::call_with_error([&](onshi_error *e) {
            return detail::read_text(
                [&](char *b, std::size_t c, std::size_t *n) { return onshi_card_list_readers(e, b, c, n); }, all);
        });
        std::vector<std::string> names;
        std::size_t start = 0;
        while (!all.empty() && start <= all.size()) {
            std::size_t end = all.find('\n', start);
            if (end == std::string::npos) end = all.size();
            names.push_back(all.substr(start, end - start));
            start = end + 1;
        }
        return names;
    }
    /// The card in `reader` ("" for the first reader with a card).
    static Card open_reader(std::string_view reader) {
        onshi_card *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_card_open_reader(e, detail::bytes(reader), reader.size(), &raw);
        });
        return Card(raw);
    }
    /// The virtual card in process ("" for the fixture: 検証　花子, PIN 1234).
    static Card open_virtual(std::string_view config_json = {}) {
        onshi_card *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_card_open_virtual(e, detail::bytes(config_json), config_json.size(), &raw);
        });
        return Card(raw);
    }
    void recognise() { check(onshi_card_recognise(capi())); }
    uint32_t tries_left() {
        uint32_t n = 0;
        check(onshi_card_tries_left(capi(), &n));
        return n;
    }
    /// Reads the 基本4情報 with the patient's PIN; wipe your copy of the PIN afterwards.
    BasicInfo read_basic_info(std::string_view pin, bool confirm_last_try = false) {
        onshi_basic_info *raw = nullptr;
        check(onshi_card_read_basic_info(capi(), detail::bytes(pin), pin.size(), confirm_last_try, &raw));
        return BasicInfo(raw);
    }
};

/// A file of the terminal interface: a request to write or an answer read.
class Document : public detail::Owned<onshi_document, onshi_document_free, onshi_document_last_error> {
public:
    explicit Document(onshi_document *raw) : Owned(raw) {}

    /// Parses a file from its bytes (UTF-8 or Shift_JIS); `limits` nullptr for the defaults.
    static Document parse(std::string_view bytes, const onshi_limits *limits = nullptr) {
        onshi_document *raw = nullptr;
        detail::call_with_error(
            [&](onshi_error *e) { return onshi_document_parse(e, detail::bytes(bytes), bytes.size(), limits, &raw); });
        return Document(raw);
    }
    static Document parse_file(std::string_view path) {
        onshi_document *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_document_parse_file(e, detail::bytes(path), path.size(), nullptr, &raw);
        });
        return Document(raw);
    }
    static Document create(onshi_message_type type) {
        onshi_document *raw = nullptr;
        detail::check(onshi_document_new(type, &raw));
        return Document(raw);
    }
    /// A 個別照会 request for the card of a registered record on `date`.
    static Document individual_request(std::string_view institution, const Qualification &card,
                                       const onshi_date &date, std::string_view file_identifier = {},
                                       bool limit_consent = true) {
        onshi_document *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_document_new_individual_request(e, detail::bytes(institution), institution.size(), card.capi(),
                                                         &date, detail::bytes(file_identifier),
                                                         file_identifier.size(), limit_consent, &raw);
        });
        return Document(raw);
    }
    std::string to_json() const {
        return text_of([&](char *b, std::size_t c, std::size_t *n) { return onshi_document_to_json(capi(), b, c, n); });
    }
    /// The file's bytes in `encoding`.
    std::vector<uint8_t> write(onshi_encoding encoding) const {
        std::size_t n = 0;
        onshi_status s = onshi_document_write(capi(), encoding, nullptr, 0, &n);
        if (s == ONSHI_OK) return {};
        if (s != ONSHI_BUFFER_TOO_SMALL) check(s);
        std::vector<uint8_t> out(n);
        check(onshi_document_write(capi(), encoding, out.data(), out.size(), &n));
        return out;
    }
    onshi_message_type type() const {
        uint32_t v = 0;
        check(onshi_document_get_u32(capi(), ONSHI_FIELD_DOCUMENT_MESSAGE_TYPE, &v));
        return v;
    }
    std::optional<std::string> text(onshi_field field) const {
        return optional_text(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_document_get_text(capi(), field, b, c, n); });
    }
    void set_text(onshi_field field, std::string_view value) {
        check(onshi_document_set_text(capi(), field, detail::bytes(value), value.size()));
    }
    void set_date(onshi_field field, const onshi_date &value) { check(onshi_document_set_date(capi(), field, &value)); }
    std::size_t count(onshi_list list) const {
        std::size_t n = 0;
        check(onshi_document_count(capi(), list, &n));
        return n;
    }
    std::size_t add_item(onshi_list list) {
        std::size_t i = 0;
        check(onshi_document_item_add(capi(), list, &i));
        return i;
    }
    void set_item_text(onshi_list list, std::size_t index, onshi_field field, std::string_view value) {
        check(onshi_document_item_set_text(capi(), list, index, field, detail::bytes(value), value.size()));
    }
    std::optional<std::string> item_text(onshi_list list, std::size_t index, onshi_field field) const {
        return optional_text([&](char *b, std::size_t c, std::size_t *n) {
            return onshi_document_item_get_text(capi(), list, index, field, b, c, n);
        });
    }
    std::optional<uint32_t> item_u32(onshi_list list, std::size_t index, onshi_field field) const {
        uint32_t v = 0;
        return optional(onshi_document_item_get_u32(capi(), list, index, field, &v), v);
    }
    /// What reading the file tolerated (ONSHI_LIST_DOCUMENT_WARNINGS): a value kept as received
    /// (`value` is the text; personal data possibly), a list read in its flat form.
    struct Warning {
        onshi_warning_kind kind;
        std::string path;
        uint32_t line;
        uint32_t column;
        std::optional<std::string> value;
        std::string expected;
    };
    std::vector<Warning> warnings() const {
        const onshi_list l = ONSHI_LIST_DOCUMENT_WARNINGS;
        std::vector<Warning> out;
        for (std::size_t i = 0, n = count(l); i < n; i++) {
            out.push_back(Warning{item_u32(l, i, ONSHI_FIELD_DOCUMENT_WARNING_KIND).value_or(0),
                                  item_text(l, i, ONSHI_FIELD_DOCUMENT_WARNING_PATH).value_or(""),
                                  item_u32(l, i, ONSHI_FIELD_DOCUMENT_WARNING_LINE).value_or(0),
                                  item_u32(l, i, ONSHI_FIELD_DOCUMENT_WARNING_COLUMN).value_or(0),
                                  item_text(l, i, ONSHI_FIELD_DOCUMENT_WARNING_VALUE),
                                  item_text(l, i, ONSHI_FIELD_DOCUMENT_WARNING_EXPECTED).value_or("")});
        }
        return out;
    }
    /// A copy of record `index` of a 資格確認結果.
    Qualification result_at(std::size_t index) const {
        onshi_qualification *raw = nullptr;
        check(onshi_document_result_at(capi(), index, &raw));
        return Qualification(raw);
    }
};

/// A submitted request; keep to_json() with the visit.
class Ticket : public detail::Owned<onshi_ticket, onshi_ticket_free, onshi_ticket_last_error> {
public:
    explicit Ticket(onshi_ticket *raw) : Owned(raw) {}
    static Ticket from_json(std::string_view json) {
        onshi_ticket *raw = nullptr;
        detail::call_with_error(
            [&](onshi_error *e) { return onshi_ticket_from_json(e, detail::bytes(json), json.size(), &raw); });
        return Ticket(raw);
    }
    std::string to_json() const {
        return text_of([&](char *b, std::size_t c, std::size_t *n) { return onshi_ticket_to_json(capi(), b, c, n); });
    }
    /// The request file's name in req/.
    std::string request_file() const {
        return text_of(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_ticket_request_file(capi(), b, c, n); });
    }
    /// The answer file's name in res/ (the result id for the history).
    std::string response_file() const {
        return text_of(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_ticket_response_file(capi(), b, c, n); });
    }
};

/// Cancels a Client's blocking calls from another thread: pass it to wait / query /
/// next_face / bulk, then cancel(). Move-only; freeing it does not cancel.
class CancelToken {
public:
    CancelToken() {
        onshi_cancel_token *raw = nullptr;
        detail::check(onshi_cancel_token_new(&raw));
        ptr_.reset(raw);
    }
    CancelToken(CancelToken &&) noexcept = default;
    CancelToken &operator=(CancelToken &&) noexcept = default;
    CancelToken(const CancelToken &) = delete;
    CancelToken &operator=(const CancelToken &) = delete;

    /// Calls waiting with this token return ONSHI_TERMINAL_CANCELLED (thrown as onshi::Error).
    void cancel() const { detail::check(onshi_cancel_token_cancel(ptr_.get())); }
    bool cancelled() const {
        bool c = false;
        detail::check(onshi_cancel_token_is_cancelled(ptr_.get(), &c));
        return c;
    }
    void reset() const { detail::check(onshi_cancel_token_reset(ptr_.get())); }
    const onshi_cancel_token *capi() const noexcept { return ptr_.get(); }

private:
    struct Free {
        void operator()(onshi_cancel_token *t) const noexcept { onshi_cancel_token_free(t); }
    };
    std::unique_ptr<onshi_cancel_token, Free> ptr_;
};

/// A client of the terminal's shared folders.
class Client : public detail::Owned<onshi_client, onshi_client_free, onshi_client_last_error> {
public:
    explicit Client(onshi_client *raw) : Owned(raw) {}
    static Client open(std::string_view root, std::string_view options_json = {}) {
        onshi_client *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_client_open(e, detail::bytes(root), root.size(), detail::bytes(options_json),
                                     options_json.size(), &raw);
        });
        return Client(raw);
    }
    Ticket submit(const Document &request, onshi_family family = 0) const {
        onshi_ticket *raw = nullptr;
        detail::call_with_error(
            [&](onshi_error *e) { return onshi_client_submit(capi(), e, request.capi(), family, &raw); });
        return Ticket(raw);
    }
    /// Waits for a ticket's answer; throws ONSHI_TERMINAL_NOT_ANSWERING (staff_message() says
    /// what to check) or ONSHI_TERMINAL_CANCELLED.
    Document wait(const Ticket &ticket, uint32_t timeout_ms, const CancelToken *cancel = nullptr) const {
        onshi_document *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_client_wait(capi(), e, ticket.capi(), timeout_ms, token(cancel), &raw);
        });
        return Document(raw);
    }
    Document query(const Document &request, uint32_t timeout_ms, onshi_family family = 0,
                   const CancelToken *cancel = nullptr) const {
        onshi_document *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_client_query(capi(), e, request.capi(), family, timeout_ms, token(cancel), &raw);
        });
        return Document(raw);
    }
    /// The next face result within `timeout_ms`, or nullopt. Claimed, not consumed: call
    /// ack_face once the EMR has processed it (else it comes again, after a restart at the
    /// latest), or release_face to have it again now.
    std::optional<Document> next_face(uint32_t timeout_ms, const CancelToken *cancel = nullptr) const {
        onshi_document *raw = nullptr;
        onshi_status s = ONSHI_OK;
        detail::call_with_error([&](onshi_error *e) {
            s = onshi_client_next_face(capi(), e, timeout_ms, token(cancel), &raw);
            return s == ONSHI_NOT_PRESENT ? ONSHI_OK : s;
        });
        if (s == ONSHI_NOT_PRESENT) return std::nullopt;
        return Document(raw);
    }
    /// The bulk two-phase flow; `options` nullptr for the defaults.
    Document bulk(onshi_family family, const Document &upload, const onshi_bulk_options *options = nullptr,
                  const CancelToken *cancel = nullptr) const {
        onshi_document *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_client_bulk(capi(), e, family, upload.capi(), options, token(cancel), &raw);
        });
        return Document(raw);
    }
    /// Acknowledges a face result by its file name (Document::text(ONSHI_FIELD_DOCUMENT_FILE_NAME)).
    void ack_face(std::string_view file_name) const {
        detail::call_with_error([&](onshi_error *e) {
            return onshi_client_ack_face(capi(), e, detail::bytes(file_name), file_name.size());
        });
    }
    /// Acknowledges a face result next_face gave.
    void ack_face(const Document &face) const { ack_face(face.text(ONSHI_FIELD_DOCUMENT_FILE_NAME).value_or("")); }
    /// Gives a face result next_face gave back: it is delivered again at once.
    void release_face(const Document &face) const {
        std::string name = face.text(ONSHI_FIELD_DOCUMENT_FILE_NAME).value_or("");
        detail::call_with_error([&](onshi_error *e) {
            return onshi_client_release_face(capi(), e, detail::bytes(name), name.size());
        });
    }
    /// Face results to a C callback on a library thread (userdata first; its return value
    /// acknowledges, releases or keeps the result); see onshi_face_callback.
    void on_face(onshi_face_callback callback, void *userdata) { check(onshi_client_on_face(capi(), callback, userdata)); }
    void stop_face() { check(onshi_client_stop_face(capi())); }
    std::string doctor() const {
        return text_of([&](char *b, std::size_t c, std::size_t *n) { return onshi_client_doctor(capi(), b, c, n); });
    }
    /// The vendor's decryption / encryption module for a terminal that encrypts its files
    /// (encrypt.conf): called with the stage (ONSHI_CIPHER_DECRYPT / _ENCRYPT), the file name
    /// and its bytes; returns the result (for ENCRYPT the bytes to write: the input itself for
    /// a prefix it leaves plain). Runs on library threads, possibly several at once; an
    /// exception becomes ONSHI_TERMINAL_HOOK_FAILED for that file. An empty function removes
    /// it (a file that is not XML is then ONSHI_TERMINAL_ENCRYPTED).
    using Cipher = std::function<std::vector<uint8_t>(onshi_cipher_stage, std::string_view,
                                                      const std::vector<uint8_t> &)>;
    void set_cipher(Cipher cipher) {
        if (!cipher) {
            check(onshi_client_set_cipher(capi(), nullptr, nullptr));
            cipher_.reset();
            return;
        }
        auto held = std::make_shared<Cipher>(std::move(cipher));
        check(onshi_client_set_cipher(capi(), &Client::cipher_trampoline, held.get()));
        cipher_ = std::move(held);
    }
    /// The files of face/ that are not face results, found since the last call, as a JSON
    /// array of {"name", "family", "message_ja"} (each reported once while it stays).
    std::string skipped_faces() const {
        return text_of(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_client_skipped_faces(capi(), b, c, n); });
    }
    /// Records a reception visit in the journal: the day, the EMR's patient id (never a name
    /// or an insurance number; empty for none), what was presented (ONSHI_PRESENTATION_*) and
    /// the terminal result it confirmed (empty for none). The same visit again replaces it.
    void record_visit(const onshi_date &date, std::string_view patient_id, onshi_presentation presentation,
                      std::string_view result_id = {}) const {
        detail::call_with_error([&](onshi_error *e) {
            return onshi_client_record_visit(capi(), e, &date, patient_id.empty() ? nullptr : detail::bytes(patient_id),
                                             patient_id.size(), presentation,
                                             result_id.empty() ? nullptr : detail::bytes(result_id), result_id.size());
        });
    }
    /// The month's マイナ保険証 利用率 report from the journal's visits (ONSHI_REPORT_FORMAT_*).
    std::string usage_report(int32_t year, uint32_t month, onshi_report_format format = ONSHI_REPORT_FORMAT_JSON) const {
        std::string out;
        detail::call_with_error([&](onshi_error *e) {
            return detail::read_text(
                [&](char *b, std::size_t c, std::size_t *n) {
                    return onshi_client_usage_report(capi(), e, year, month, format, b, c, n);
                },
                out);
        });
        return out;
    }

private:
    static const onshi_cancel_token *token(const CancelToken *c) noexcept { return c ? c->capi() : nullptr; }
    static onshi_status cipher_trampoline(void *userdata, onshi_cipher_stage stage, const uint8_t *name,
                                          std::size_t name_len, const uint8_t *input, std::size_t input_len,
                                          onshi_cipher_output *output) noexcept {
        try {
            const Cipher &c = *static_cast<const Cipher *>(userdata);
            std::vector<uint8_t> in(input, input + input_len);
            std::vector<uint8_t> out =
                c(stage, std::string_view(reinterpret_cast<const char *>(name), name_len), in);
            return onshi_cipher_output_write(output, out.data(), out.size());
        } catch (...) {
            // Nothing may unwind into the library.
            return ONSHI_TERMINAL_HOOK_FAILED;
        }
    }
    // Kept alive (and at a stable address) while the library may call it.
    std::shared_ptr<Cipher> cipher_;
};

/// The terminal emulator, for tests.
class Emulator : public detail::Owned<onshi_emulator, onshi_emulator_free, onshi_emulator_last_error> {
public:
    explicit Emulator(onshi_emulator *raw) : Owned(raw) {}
    static Emulator start(std::string_view root, std::string_view dataset_json = {}, uint32_t delay_ms = 0,
                          onshi_encoding encoding = ONSHI_ENCODING_UTF8) {
        onshi_emulator *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_emulator_start(e, detail::bytes(root), root.size(), detail::bytes(dataset_json),
                                        dataset_json.size(), delay_ms, encoding, &raw);
        });
        return Emulator(raw);
    }
    /// Starts with options as JSON (onshi_emulator_start_with_options: "zip_bulk",
    /// "err_subfolder", "bulk_segment", "face_names", "encrypt_command" …).
    static Emulator start_with_options(std::string_view root, std::string_view dataset_json,
                                       std::string_view options_json) {
        onshi_emulator *raw = nullptr;
        detail::call_with_error([&](onshi_error *e) {
            return onshi_emulator_start_with_options(e, detail::bytes(root), root.size(),
                                                     detail::bytes(dataset_json), dataset_json.size(),
                                                     detail::bytes(options_json), options_json.size(), &raw);
        });
        return Emulator(raw);
    }
    void push_face(std::string_view person_id) {
        check(onshi_emulator_push_face(capi(), detail::bytes(person_id), person_id.size()));
    }
    void set_behaviour(onshi_behaviour b) { check(onshi_emulator_set_behaviour(capi(), b)); }
    onshi_emulator_stats stats() const {
        onshi_emulator_stats s{};
        check(onshi_emulator_get_stats(capi(), &s));
        return s;
    }
    void stop() { check(onshi_emulator_stop(capi())); }
    /// The dataset's persons as JSON (id, label, whether push_face works, their cards).
    std::string persons_json() const {
        return text_of(
            [&](char *b, std::size_t c, std::size_t *n) { return onshi_emulator_persons_json(capi(), b, c, n); });
    }
};

/// Diffs against documents.
inline Diff History::review(const Document &answer, std::optional<std::size_t> unit,
                            std::optional<std::string_view> result_id, const onshi_date *confirmation_date,
                            onshi_query_kind kind, onshi_clinic_kind clinic) const {
    onshi_diff *raw = nullptr;
    check(onshi_history_review(capi(), answer.capi(), unit.value_or(SIZE_MAX),
                               result_id ? detail::bytes(*result_id) : nullptr, result_id ? result_id->size() : 0,
                               confirmation_date, kind, clinic, &raw));
    return Diff(raw);
}

inline Diff compare_document(const Qualification &registered, const Document &answer,
                             const onshi_date *confirmation_date = nullptr, onshi_query_kind kind = 0) {
    onshi_diff *raw = nullptr;
    detail::call_with_error([&](onshi_error *e) {
        return onshi_diff_compare_document(e, registered.capi(), answer.capi(), confirmation_date, kind, &raw);
    });
    return Diff(raw);
}

}  // namespace onshi

#endif  // ONSHI_HPP
