// The hand-written C# layer over the generated P/Invoke declarations (Native.g.cs):
// SafeHandle-owned handles, IDisposable classes, exceptions carrying the status, the Japanese
// text for staff and the English detail for developers, and UTF-8 strings passed as byte arrays
// with explicit lengths (the .NET Framework default marshalling of string is ANSI, which would
// corrupt Japanese text). Every native object may be used from several threads.
//
// Written for C# 7 / netstandard2.0 and Mono's mcs: no local functions, no C# 8.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("OnshiTests")]

namespace Onshi
{
    /// <summary>A calendar date as the C ABI passes it (onshi_date).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OnshiDate
    {
        /// <summary>Year.</summary>
        public int Year;
        /// <summary>Month, 1-12.</summary>
        public uint Month;
        /// <summary>Day, 1-31.</summary>
        public uint Day;
    }

    /// <summary>A date and time as the C ABI passes it (onshi_datetime).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OnshiDateTime
    {
        /// <summary>Year.</summary>
        public int Year;
        /// <summary>Month, 1-12.</summary>
        public uint Month;
        /// <summary>Day, 1-31.</summary>
        public uint Day;
        /// <summary>Hour, 0-23.</summary>
        public uint Hour;
        /// <summary>Minute, 0-59.</summary>
        public uint Minute;
        /// <summary>Second, 0-59.</summary>
        public uint Second;
    }

    /// <summary>
    /// A failed call, told to two audiences: <see cref="Status"/> (a stable code),
    /// <see cref="StaffMessage"/> (Japanese, for the reception screen: what happened and what to
    /// do) and <see cref="Detail"/> (English, for developers and logs; also <see cref="Exception.Message"/>).
    /// </summary>
    public sealed class OnshiException : Exception
    {
        /// <summary>Creates the exception; <paramref name="staffMessage"/> null for the status's own text.</summary>
        public OnshiException(Status status, string detail, string staffMessage = null) : base(detail)
        {
            Status = status;
            StaffMessage = staffMessage ?? Library.StatusMessageJa((uint)status);
        }

        /// <summary>The status of the failed call (never Ok).</summary>
        public Status Status { get; private set; }

        /// <summary>What reception staff read, in Japanese: what happened and what to do. No personal data.</summary>
        public string StaffMessage { get; private set; }

        /// <summary>The English detail for developers and logs (the same as Message).</summary>
        public string Detail { get { return Message; } }
    }

    /// <summary>Owns an onshi_qualification; frees it exactly once.</summary>
    internal sealed class QualificationHandle : SafeHandle
    {
        private QualificationHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle()
        {
            NativeMethods.onshi_qualification_free(handle);
            return true;
        }
    }

    /// <summary>Owns an onshi_error; frees it exactly once.</summary>
    internal sealed class ErrorHandle : SafeHandle
    {
        private ErrorHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
        protected override bool ReleaseHandle()
        {
            NativeMethods.onshi_error_free(handle);
            return true;
        }
    }

    /// <summary>A text-out call of the C ABI: (buf, cap, out len) → status.</summary>
    internal delegate uint TextCall(byte[] buf, UIntPtr cap, out UIntPtr len);

    /// <summary>UTF-8 in and out, and status checks.</summary>
    internal static class Native
    {
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        internal static byte[] Bytes(string s)
        {
            return s == null ? new byte[0] : Strict.GetBytes(s);
        }

        internal static UIntPtr Len(byte[] b)
        {
            return new UIntPtr((uint)b.Length);
        }

        /// <summary>Size query, then fill; returns the status and the text (null unless Ok).</summary>
        internal static uint ReadText(TextCall call, out string text)
        {
            byte[] buf = new byte[256];
            UIntPtr n;
            uint s = call(buf, Len(buf), out n);
            while (s == (uint)Status.BufferTooSmall)
            {
                buf = new byte[(int)n.ToUInt32() + 1];
                s = call(buf, Len(buf), out n);
            }
            text = s == (uint)Status.Ok ? Encoding.UTF8.GetString(buf, 0, (int)n.ToUInt32()) : null;
            return s;
        }

        internal static string StatusMessage(uint status)
        {
            string m;
            ReadText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_status_message(status, b, c, out n), out m);
            return m ?? ("status " + status);
        }

        internal static string StatusMessageJa(uint status)
        {
            string m;
            ReadText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_status_message_ja(status, b, c, out n), out m);
            return m ?? "";
        }

        /// <summary>The exception for a failed call whose outcome is in <paramref name="err"/>.</summary>
        internal static OnshiException ErrorOf(uint status, ErrorHandle err)
        {
            string detail = null, staff = null;
            if (err != null && !err.IsInvalid && !err.IsClosed && NativeMethods.onshi_error_status(err) == status)
            {
                ReadText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_error_message(err, b, c, out n), out detail);
                ReadText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_error_staff_message(err, b, c, out n), out staff);
            }
            return new OnshiException((Status)status,
                string.IsNullOrEmpty(detail) ? StatusMessage(status) : detail,
                string.IsNullOrEmpty(staff) ? null : staff);
        }

        /// <summary>The exception for a failed call on <paramref name="h"/>, from its last failure.</summary>
        internal static OnshiException ErrorOfHandle(uint status, SafeHandle h)
        {
            if (h == null || h.IsInvalid || h.IsClosed) return ErrorOf(status, null);
            bool added = false;
            try
            {
                h.DangerousAddRef(ref added);
                using (ErrorHandle err = NewError())
                {
                    if (NativeMethods.onshi_error_from_handle(err, h.DangerousGetHandle()) == (uint)Status.Ok)
                        return ErrorOf(status, err);
                }
            }
            catch (ObjectDisposedException)
            {
                // Disposed meanwhile: the status alone.
            }
            finally
            {
                if (added) h.DangerousRelease();
            }
            return ErrorOf(status, null);
        }

        internal static void Check(uint status)
        {
            if (status != (uint)Status.Ok) throw ErrorOf(status, null);
        }

        internal static string TextOrThrow(TextCall call)
        {
            string text;
            Check(ReadText(call, out text));
            return text;
        }

        /// <summary>A fresh error object for one call of a free function.</summary>
        internal static ErrorHandle NewError()
        {
            ErrorHandle e = NativeMethods.onshi_error_new();
            if (e.IsInvalid) throw new OutOfMemoryException("onshi_error_new");
            return e;
        }

        /// <summary>Throws the error object's status and texts unless the call succeeded.</summary>
        internal static void Check(uint status, ErrorHandle err)
        {
            if (status == (uint)Status.Ok) return;
            throw ErrorOf(status, err);
        }
    }

    /// <summary>The monthly マイナ保険証 利用率 report from visits the caller holds (pure: no disk, no clock).</summary>
    public static class Usage
    {
        /// <summary>
        /// The report of <paramref name="year"/>-<paramref name="month"/> from a JSON array of
        /// visits (the shape the journal keeps: date, patient_id, presentation, recorded_at …),
        /// counted per patient-month; visits of other months are left out.
        /// </summary>
        public static string Report(string visitsJson, int year, int month, ReportFormat format = ReportFormat.Json)
        {
            byte[] v = Native.Bytes(visitsJson);
            using (ErrorHandle err = Native.NewError())
            {
                string text;
                uint s = Native.ReadText((byte[] b, UIntPtr c, out UIntPtr n) =>
                    NativeMethods.onshi_usage_report(err, v, Native.Len(v), year, (uint)month, (uint)format, b, c, out n), out text);
                Native.Check(s, err);
                return text;
            }
        }
    }

    /// <summary>The loaded library and its statuses.</summary>
    public static class Library
    {
        /// <summary>The version of the loaded native library ("MAJOR.MINOR.PATCH").</summary>
        public static string Version
        {
            get { return Native.TextOrThrow((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_version(b, c, out n)); }
        }

        /// <summary>The version of the header this binding was generated from.</summary>
        public static string HeaderVersionString
        {
            get { return HeaderVersion.Major + "." + HeaderVersion.Minor + "." + HeaderVersion.Patch; }
        }

        /// <summary>The symbolic name of a status ("ONSHI_NULL_PARAMETER"), or null for an unassigned number.</summary>
        public static string StatusName(uint status)
        {
            string name;
            Native.ReadText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_status_name(status, b, c, out n), out name);
            return name;
        }

        /// <summary>A short English description of any status, for developers.</summary>
        public static string StatusMessage(uint status)
        {
            return Native.StatusMessage(status);
        }

        /// <summary>A Japanese description of any status, for reception staff.</summary>
        public static string StatusMessageJa(uint status)
        {
            return Native.StatusMessageJa(status);
        }

        /// <summary>How many native handles are alive (for leak checks in tests).</summary>
        public static ulong LiveHandleCount
        {
            get { return NativeMethods.onshi_live_handle_count(); }
        }
    }

    /// <summary>Identifiers and check digits (検証番号).</summary>
    public static class Ids
    {
        /// <summary>Throws (IdCheckDigit, naming the expected digit) unless the check digit holds.</summary>
        public static void VerifyCheckDigit(string number)
        {
            byte[] input = Native.Bytes(number);
            using (ErrorHandle err = Native.NewError())
            {
                Native.Check(NativeMethods.onshi_check_digit_verify(err, input, Native.Len(input)), err);
            }
        }

        /// <summary>The check digit of a body of ASCII digits.</summary>
        public static int ComputeCheckDigit(string body)
        {
            byte[] input = Native.Bytes(body);
            byte d;
            Native.Check(NativeMethods.onshi_check_digit_compute(input, Native.Len(input), out d));
            return d;
        }

        /// <summary>Parses an identifier and returns its normalized form.</summary>
        public static string Normalize(IdKind kind, string input, Mode mode = Mode.Strict)
        {
            byte[] bytes = Native.Bytes(input);
            using (ErrorHandle err = Native.NewError())
            {
                string text;
                uint s = Native.ReadText((byte[] b, UIntPtr c, out UIntPtr n) =>
                    NativeMethods.onshi_id_normalize(err, (uint)kind, (uint)mode, bytes, Native.Len(bytes), b, c, out n), out text);
                Native.Check(s, err);
                return text;
            }
        }

        /// <summary>A 保険者番号 space-padded to 8, as request files carry it.</summary>
        public static string InsurerNumberToWire(string input, Mode mode = Mode.Strict)
        {
            byte[] bytes = Native.Bytes(input);
            using (ErrorHandle err = Native.NewError())
            {
                string text;
                uint s = Native.ReadText((byte[] b, UIntPtr c, out UIntPtr n) =>
                    NativeMethods.onshi_insurer_number_to_wire(err, (uint)mode, bytes, Native.Len(bytes), b, c, out n), out text);
                Native.Check(s, err);
                return text;
            }
        }

        /// <summary>What kind of insurer a 保険者番号 is.</summary>
        public static InsurerFlags InsurerNumberFlags(string input, Mode mode = Mode.Strict)
        {
            byte[] bytes = Native.Bytes(input);
            using (ErrorHandle err = Native.NewError())
            {
                uint flags;
                Native.Check(NativeMethods.onshi_insurer_number_flags(err, (uint)mode, bytes, Native.Len(bytes), out flags), err);
                return (InsurerFlags)flags;
            }
        }
    }

    /// <summary>Code tables: labels and known values.</summary>
    public static class Codes
    {
        /// <summary>
        /// The Japanese label of a code value ("不明なコード" when unknown), as it read on
        /// <paramref name="on"/> (the 資格確認日; null: the newest label).
        /// </summary>
        public static string Label(CodeTable table, string wire, DateTime? on = null)
        {
            byte[] w = Native.Bytes(wire);
            if (on.HasValue)
            {
                OnshiDate d = Onshi.Values.FromDate(on.Value);
                return Native.TextOrThrow((byte[] b, UIntPtr c, out UIntPtr n) =>
                    NativeMethods.onshi_code_label((uint)table, w, Native.Len(w), ref d, b, c, out n));
            }
            return Native.TextOrThrow((byte[] b, UIntPtr c, out UIntPtr n) =>
                NativeMethods.onshi_code_label_nodate((uint)table, w, Native.Len(w), IntPtr.Zero, b, c, out n));
        }

        /// <summary>Whether the library knows a code value.</summary>
        public static bool IsKnown(CodeTable table, string wire)
        {
            byte[] w = Native.Bytes(wire);
            bool known;
            Native.Check(NativeMethods.onshi_code_is_known((uint)table, w, Native.Len(w), out known));
            return known;
        }

        /// <summary>Every known wire value of a table, in table order (for a drop-down list).</summary>
        public static IList<string> Values(CodeTable table)
        {
            UIntPtr count;
            Native.Check(NativeMethods.onshi_code_count((uint)table, out count));
            var values = new List<string>();
            for (uint i = 0; i < count.ToUInt32(); i++)
            {
                UIntPtr index = new UIntPtr(i);
                values.Add(Native.TextOrThrow((byte[] b, UIntPtr c, out UIntPtr n) =>
                    NativeMethods.onshi_code_wire_at((uint)table, index, b, c, out n)));
            }
            return values;
        }

        /// <summary>The interface's name of a table ("OQSCD006").</summary>
        public static string TableName(CodeTable table)
        {
            return Native.TextOrThrow((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_code_table_name((uint)table, b, c, out n));
        }
    }

    /// <summary>
    /// A qualification record (資格). Dispose it (or let the finalizer free it); typed properties
    /// for every field of the record are in the generated part, list items through the Item* methods.
    /// </summary>
    public sealed partial class Qualification : IDisposable
    {
        private readonly QualificationHandle handle;

        /// <summary>An empty record.</summary>
        public Qualification()
        {
            handle = NativeMethods.onshi_qualification_new();
            if (handle.IsInvalid) throw new OutOfMemoryException("onshi_qualification_new");
        }

        internal Qualification(QualificationHandle h)
        {
            handle = h;
        }

        /// <summary>Reads a record from JSON (the documented record schema).</summary>
        public static Qualification FromJson(string json)
        {
            byte[] bytes = Native.Bytes(json);
            using (ErrorHandle err = Native.NewError())
            {
                QualificationHandle h;
                uint s = NativeMethods.onshi_qualification_from_json(err, bytes, Native.Len(bytes), out h);
                if (s != (uint)Status.Ok) h.Dispose();
                Native.Check(s, err);
                return new Qualification(h);
            }
        }

        /// <summary>Frees the native record now.</summary>
        public void Dispose()
        {
            handle.Dispose();
        }

        internal QualificationHandle H
        {
            get
            {
                if (handle.IsClosed || handle.IsInvalid) throw new ObjectDisposedException("Qualification");
                return handle;
            }
        }

        /// <summary>The English detail of the most recent failed call on this record.</summary>
        public string LastError
        {
            get { return Native.TextOrThrow((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_qualification_last_error(H, b, c, out n)); }
        }

        private void Check(uint status)
        {
            if (status == (uint)Status.Ok) return;
            throw Native.ErrorOfHandle(status, handle);
        }

        private string OptionalText(TextCall call)
        {
            string text;
            uint s = Native.ReadText(call, out text);
            if (s == (uint)Status.NotPresent) return null;
            Check(s);
            return text;
        }

        private static DateTime? ToDate(OnshiDate d)
        {
            return new DateTime(d.Year, (int)d.Month, (int)d.Day);
        }

        private static DateTime? ToDateTime(OnshiDateTime t)
        {
            return new DateTime(t.Year, (int)t.Month, (int)t.Day, (int)t.Hour, (int)t.Minute, (int)t.Second);
        }

        private static OnshiDate FromDate(DateTime d)
        {
            return new OnshiDate { Year = d.Year, Month = (uint)d.Month, Day = (uint)d.Day };
        }

        private static OnshiDateTime FromDateTime(DateTime t)
        {
            return new OnshiDateTime { Year = t.Year, Month = (uint)t.Month, Day = (uint)t.Day, Hour = (uint)t.Hour, Minute = (uint)t.Minute, Second = (uint)t.Second };
        }

        /// <summary>An independent copy.</summary>
        public Qualification Clone()
        {
            QualificationHandle h;
            uint s = NativeMethods.onshi_qualification_clone(H, out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Check(s);
            return new Qualification(h);
        }

        /// <summary>The record as JSON (the documented record schema).</summary>
        public string ToJson()
        {
            string text;
            Check(Native.ReadText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_qualification_to_json(H, b, c, out n), out text));
            return text;
        }

        /// <summary>Whether both records hold the same values.</summary>
        public bool SameAs(Qualification other)
        {
            bool eq;
            Check(NativeMethods.onshi_qualification_equal(H, other.H, out eq));
            return eq;
        }

        /// <summary>A field as text (the JSON schema's form); null when absent.</summary>
        public string GetText(Field field)
        {
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_qualification_get_text(H, (uint)field, b, c, out n));
        }

        /// <summary>Sets a field from text; null clears it.</summary>
        public void SetText(Field field, string value)
        {
            if (value == null) { Clear(field); return; }
            byte[] v = Native.Bytes(value);
            Check(NativeMethods.onshi_qualification_set_text(H, (uint)field, v, Native.Len(v)));
        }

        /// <summary>Removes a field's value.</summary>
        public void Clear(Field field)
        {
            Check(NativeMethods.onshi_qualification_clear(H, (uint)field));
        }

        /// <summary>A date field; null when absent.</summary>
        public DateTime? GetDate(Field field)
        {
            OnshiDate d;
            uint s = NativeMethods.onshi_qualification_get_date(H, (uint)field, out d);
            if (s == (uint)Status.NotPresent) return null;
            Check(s);
            return ToDate(d);
        }

        /// <summary>Sets a date field (the time of day is ignored); null clears it.</summary>
        public void SetDate(Field field, DateTime? value)
        {
            if (!value.HasValue) { Clear(field); return; }
            OnshiDate d = FromDate(value.Value);
            Check(NativeMethods.onshi_qualification_set_date(H, (uint)field, ref d));
        }

        /// <summary>A date-time field; null when absent.</summary>
        public DateTime? GetDateTime(Field field)
        {
            OnshiDateTime t;
            uint s = NativeMethods.onshi_qualification_get_datetime(H, (uint)field, out t);
            if (s == (uint)Status.NotPresent) return null;
            Check(s);
            return ToDateTime(t);
        }

        /// <summary>Sets a date-time field; null clears it.</summary>
        public void SetDateTime(Field field, DateTime? value)
        {
            if (!value.HasValue) { Clear(field); return; }
            OnshiDateTime t = FromDateTime(value.Value);
            Check(NativeMethods.onshi_qualification_set_datetime(H, (uint)field, ref t));
        }

        /// <summary>An integer or ratio (percent) field; null when absent.</summary>
        public uint? GetUInt32(Field field)
        {
            uint v;
            uint s = NativeMethods.onshi_qualification_get_u32(H, (uint)field, out v);
            if (s == (uint)Status.NotPresent) return null;
            Check(s);
            return v;
        }

        /// <summary>Sets an integer or ratio field; null clears it.</summary>
        public void SetUInt32(Field field, uint? value)
        {
            if (!value.HasValue) { Clear(field); return; }
            Check(NativeMethods.onshi_qualification_set_u32(H, (uint)field, value.Value));
        }

        /// <summary>The Japanese label of a code field's value; null when absent.</summary>
        public string GetLabel(Field field)
        {
            uint table;
            Native.Check(NativeMethods.onshi_field_code_table((uint)field, out table));
            string wire = GetText(field);
            return wire == null ? null : Codes.Label((CodeTable)table, wire);
        }

        /// <summary>The number of items of a list.</summary>
        public int Count(ListKind list)
        {
            UIntPtr n;
            Check(NativeMethods.onshi_qualification_count(H, (uint)list, out n));
            return (int)n.ToUInt32();
        }

        /// <summary>Appends an empty item; returns its index.</summary>
        public int AddItem(ListKind list)
        {
            UIntPtr i;
            Check(NativeMethods.onshi_qualification_item_add(H, (uint)list, out i));
            return (int)i.ToUInt32();
        }

        private static UIntPtr Index(int index)
        {
            // A negative index becomes a huge one, which the library reports as OutOfRange.
            return new UIntPtr(unchecked((ulong)(long)index));
        }

        /// <summary>Removes an item; later items move down.</summary>
        public void RemoveItem(ListKind list, int index)
        {
            Check(NativeMethods.onshi_qualification_item_remove(H, (uint)list, Index(index)));
        }

        /// <summary>A field of a list item as text; null when absent.</summary>
        public string GetItemText(ListKind list, int index, Field field)
        {
            UIntPtr i = Index(index);
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_qualification_item_get_text(H, (uint)list, i, (uint)field, b, c, out n));
        }

        /// <summary>Sets a field of a list item from text; null clears it.</summary>
        public void SetItemText(ListKind list, int index, Field field, string value)
        {
            if (value == null)
            {
                Check(NativeMethods.onshi_qualification_item_clear(H, (uint)list, Index(index), (uint)field));
                return;
            }
            byte[] v = Native.Bytes(value);
            Check(NativeMethods.onshi_qualification_item_set_text(H, (uint)list, Index(index), (uint)field, v, Native.Len(v)));
        }

        /// <summary>A date field of a list item; null when absent.</summary>
        public DateTime? GetItemDate(ListKind list, int index, Field field)
        {
            OnshiDate d;
            uint s = NativeMethods.onshi_qualification_item_get_date(H, (uint)list, Index(index), (uint)field, out d);
            if (s == (uint)Status.NotPresent) return null;
            Check(s);
            return ToDate(d);
        }

        /// <summary>Sets a date field of a list item.</summary>
        public void SetItemDate(ListKind list, int index, Field field, DateTime value)
        {
            OnshiDate d = FromDate(value);
            Check(NativeMethods.onshi_qualification_item_set_date(H, (uint)list, Index(index), (uint)field, ref d));
        }

        /// <summary>A date-time field of a list item; null when absent.</summary>
        public DateTime? GetItemDateTime(ListKind list, int index, Field field)
        {
            OnshiDateTime t;
            uint s = NativeMethods.onshi_qualification_item_get_datetime(H, (uint)list, Index(index), (uint)field, out t);
            if (s == (uint)Status.NotPresent) return null;
            Check(s);
            return ToDateTime(t);
        }

        /// <summary>Sets a date-time field of a list item.</summary>
        public void SetItemDateTime(ListKind list, int index, Field field, DateTime value)
        {
            OnshiDateTime t = FromDateTime(value);
            Check(NativeMethods.onshi_qualification_item_set_datetime(H, (uint)list, Index(index), (uint)field, ref t));
        }

        /// <summary>An integer or ratio field of a list item; null when absent.</summary>
        public uint? GetItemUInt32(ListKind list, int index, Field field)
        {
            uint v;
            uint s = NativeMethods.onshi_qualification_item_get_u32(H, (uint)list, Index(index), (uint)field, out v);
            if (s == (uint)Status.NotPresent) return null;
            Check(s);
            return v;
        }

        /// <summary>Sets an integer or ratio field of a list item.</summary>
        public void SetItemUInt32(ListKind list, int index, Field field, uint value)
        {
            Check(NativeMethods.onshi_qualification_item_set_u32(H, (uint)list, Index(index), (uint)field, value));
        }

        /// <summary>医療扶助 (生活保護)?</summary>
        public bool IsPublicAssistance
        {
            get
            {
                bool v;
                Check(NativeMethods.onshi_qualification_is_public_assistance(H, out v));
                return v;
            }
        }

        /// <summary>Whether the coverage can be confirmed by its insurance card number.</summary>
        public bool ConfirmableByCardNumber
        {
            get
            {
                bool v;
                Check(NativeMethods.onshi_qualification_confirmable_by_card_number(H, out v));
                return v;
            }
        }

        /// <summary>Why it cannot be confirmed by card number (Japanese, for staff); null when it can.</summary>
        public string CardNumberReason
        {
            get { return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_qualification_card_number_reason(H, b, c, out n)); }
        }

        /// <summary>Whether consent item <paramref name="index"/> is agreed and not expired at <paramref name="now"/>.</summary>
        public bool ConsentValidAt(int index, DateTime now)
        {
            OnshiDateTime t = FromDateTime(now);
            bool v;
            Check(NativeMethods.onshi_qualification_consent_valid_at(H, Index(index), ref t, out v));
            return v;
        }
    }
}
