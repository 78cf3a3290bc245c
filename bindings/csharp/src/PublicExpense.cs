// The hand-written C# layer for 公費 (公費負担医療 / 地方単独医療費助成, PMH): the record, and
// the 公費 parts of Diff, History, Matching and Qualification. The typed properties
// (PayerNumber, MaxCopaymentAmount …) are generated (Native.g.cs) from the ONSHI_FIELD_PUBLIC_EXPENSE_*
// docs; this file owns the handle and the plumbing those properties call.
//
// Written for C# 7 / netstandard2.0 and Mono's mcs: no local functions, no C# 8.
using System;
using System.Runtime.InteropServices;

namespace Onshi
{
    /// <summary>Owns an onshi_public_expense.</summary>
    internal sealed class PublicExpenseHandle : OwnedHandle
    {
        private PublicExpenseHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_public_expense_free(handle); return true; }
    }

    /// <summary>
    /// One 公費 (受給者証): as PMH sent it with the 資格情報, or entered by staff from the paper
    /// 受給者証 (set <see cref="Source"/> to "paper"). It has a history of its own
    /// (<see cref="History.NewPublicExpense"/>). Typed properties are in the generated part.
    /// </summary>
    public sealed partial class PublicExpense : NativeObject
    {
        private readonly PublicExpenseHandle handle;

        /// <summary>An empty 公費.</summary>
        public PublicExpense()
        {
            handle = NativeMethods.onshi_public_expense_new();
            if (handle.IsInvalid) throw new OutOfMemoryException("onshi_public_expense_new");
        }

        internal PublicExpense(PublicExpenseHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal PublicExpenseHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_public_expense_last_error(handle, b, c, out n); }

        internal static PublicExpense Of(uint status, PublicExpenseHandle h, NativeObject owner)
        {
            if (status != (uint)Status.Ok && h != null) h.Dispose();
            if (status == (uint)Status.NotPresent) return null;
            owner.Check(status);
            return new PublicExpense(h);
        }

        /// <summary>Reads a 公費 from JSON (the record schema's PublicExpense).</summary>
        public static PublicExpense FromJson(string json)
        {
            byte[] bytes = Native.Bytes(json);
            using (ErrorHandle err = Native.NewError())
            {
                PublicExpenseHandle h;
                uint s = NativeMethods.onshi_public_expense_from_json(err, bytes, Native.Len(bytes), out h);
                return new PublicExpense(Values.Take(s, h, err));
            }
        }

        /// <summary>The 公費 of a 医療扶助 (生活保護) record; null when the record is not 医療扶助.</summary>
        public static PublicExpense FromMedicalAssistance(Qualification q)
        {
            PublicExpenseHandle h;
            uint s = NativeMethods.onshi_public_expense_from_medical_assistance(q.H, out h);
            if (s != (uint)Status.Ok && h != null) h.Dispose();
            if (s == (uint)Status.NotPresent) return null;
            if (s != (uint)Status.Ok) throw Native.ErrorOfHandle(s, q.H);
            return new PublicExpense(h);
        }

        /// <summary>The 公費 as JSON.</summary>
        public string ToJson()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_public_expense_to_json(H, b, c, out n));
        }

        /// <summary>An independent copy.</summary>
        public PublicExpense Clone()
        {
            PublicExpenseHandle h;
            return Of(NativeMethods.onshi_public_expense_clone(H, out h), h, this);
        }

        /// <summary>Whether both hold the same values.</summary>
        public bool SameAs(PublicExpense other)
        {
            bool eq;
            Check(NativeMethods.onshi_public_expense_equal(H, other.H, out eq));
            return eq;
        }

        /// <summary>A field as text (the JSON schema's form); null when absent.</summary>
        public string GetText(Field field)
        {
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_public_expense_get_text(H, (uint)field, b, c, out n));
        }

        /// <summary>Sets a field from text (numbers are checked: 8 digits and 検証番号 for the 公費負担者番号); null clears it.</summary>
        public void SetText(Field field, string value)
        {
            if (value == null) { Clear(field); return; }
            byte[] v = Native.Bytes(value);
            Check(NativeMethods.onshi_public_expense_set_text(H, (uint)field, v, Native.Len(v)));
        }

        /// <summary>Removes a field's value.</summary>
        public void Clear(Field field) { Check(NativeMethods.onshi_public_expense_clear(H, (uint)field)); }

        /// <summary>A date field; null when absent.</summary>
        public DateTime? GetDate(Field field)
        {
            OnshiDate d;
            return OptionalDate(NativeMethods.onshi_public_expense_get_date(H, (uint)field, out d), d);
        }

        /// <summary>Sets a date field (the time of day is ignored); null clears it.</summary>
        public void SetDate(Field field, DateTime? value)
        {
            if (!value.HasValue) { Clear(field); return; }
            OnshiDate d = Values.FromDate(value.Value);
            Check(NativeMethods.onshi_public_expense_set_date(H, (uint)field, ref d));
        }

        /// <summary>An integer field (上限額, yen); null when absent.</summary>
        public uint? GetUInt32(Field field)
        {
            uint v;
            return OptionalU32(NativeMethods.onshi_public_expense_get_u32(H, (uint)field, out v), v);
        }

        /// <summary>Sets an integer field; null clears it.</summary>
        public void SetUInt32(Field field, uint? value)
        {
            if (!value.HasValue) { Clear(field); return; }
            Check(NativeMethods.onshi_public_expense_set_u32(H, (uint)field, value.Value));
        }

        /// <summary>The programme of the 法別番号 (指定難病（特定医療費） …); null for one the library does not name.</summary>
        public string ProgrammeLabel
        {
            get { return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_public_expense_programme_label(H, b, c, out n)); }
        }

        /// <summary>Whether <paramref name="date"/> is within the validity period.</summary>
        public bool ValidOn(DateTime date)
        {
            OnshiDate d = Values.FromDate(date);
            bool v;
            Check(NativeMethods.onshi_public_expense_valid_on(H, ref d, out v));
            return v;
        }
    }

    public sealed partial class Qualification
    {
        /// <summary>A copy of the 公費 at <paramref name="index"/> of ListKind.PublicExpenses (what PMH sent with the 資格情報).</summary>
        public PublicExpense PublicExpenseAt(int index)
        {
            PublicExpenseHandle h;
            uint s = NativeMethods.onshi_qualification_public_expense_at(H, Values.Index(index), out h);
            if (s != (uint)Status.Ok && h != null) h.Dispose();
            Check(s);
            return new PublicExpense(h);
        }
    }

    public sealed partial class Diff
    {
        /// <summary>Compares a registered 公費 with a returned one (read as PMH data) on <paramref name="confirmationDate"/>.</summary>
        public static Diff Compare(PublicExpense registered, PublicExpense returned, DateTime confirmationDate, QueryKind kind)
        {
            OnshiDate d = Values.FromDate(confirmationDate);
            using (ErrorHandle err = Native.NewError())
            {
                DiffHandle h;
                uint s = NativeMethods.onshi_diff_compare_public_expense(err, registered.H, returned.H, ref d, (uint)kind, out h);
                return new Diff(Values.Take(s, h, err));
            }
        }

        /// <summary>A 公費 diff: a copy of the registered 公費 it was made with (null for a diff read from JSON).</summary>
        public PublicExpense RegisteredPublicExpense()
        {
            PublicExpenseHandle h;
            return PublicExpense.Of(NativeMethods.onshi_diff_registered_public_expense(H, out h), h, this);
        }

        /// <summary>A 公費 diff: a copy of what PMH sent for it; null when nothing came (the verdict is then Unknown).</summary>
        public PublicExpense ReturnedPublicExpense()
        {
            PublicExpenseHandle h;
            return PublicExpense.Of(NativeMethods.onshi_diff_returned_public_expense(H, out h), h, this);
        }
    }

    public sealed partial class History
    {
        /// <summary>The history of one 公費, its first version entered by hand (the paper 受給者証).</summary>
        public static History NewPublicExpense(PublicExpense first, DateTime start, string actor, DateTime at)
        {
            OnshiDate s0 = Values.FromDate(start);
            OnshiDateTime t = Values.FromDateTime(at);
            byte[] a = Native.Bytes(actor);
            using (ErrorHandle err = Native.NewError())
            {
                HistoryHandle h;
                uint s = NativeMethods.onshi_history_new_public_expense(err, first.H, ref s0, a, Native.Len(a), ref t, out h);
                return new History(Values.Take(s, h, err));
            }
        }

        /// <summary>The history of one 公費 PMH sent, linked to the result <paramref name="resultId"/>.</summary>
        public static History FromResultPublicExpense(PublicExpense first, DateTime start, string resultId, DateTime confirmationDate, string actor, DateTime at)
        {
            OnshiDate s0 = Values.FromDate(start);
            OnshiDate cd = Values.FromDate(confirmationDate);
            OnshiDateTime t = Values.FromDateTime(at);
            byte[] r = Native.Bytes(resultId);
            byte[] a = Native.Bytes(actor);
            using (ErrorHandle err = Native.NewError())
            {
                HistoryHandle h;
                uint s = NativeMethods.onshi_history_from_result_public_expense(err, first.H, ref s0, r, Native.Len(r), ref cd, a, Native.Len(a), ref t, out h);
                return new History(Values.Take(s, h, err));
            }
        }

        /// <summary>A 公費 history: a copy of the latest version's 公費; null when empty.</summary>
        public PublicExpense CurrentPublicExpense()
        {
            PublicExpenseHandle h;
            return PublicExpense.Of(NativeMethods.onshi_history_current_public_expense(H, out h), h, this);
        }

        /// <summary>A 公費 history: a copy of the 公費 of the version at <paramref name="index"/>.</summary>
        public PublicExpense VersionPublicExpense(int index)
        {
            PublicExpenseHandle h;
            PublicExpense p = PublicExpense.Of(NativeMethods.onshi_history_version_public_expense(H, Values.Index(index), out h), h, this);
            if (p == null) throw new OnshiException(Status.NotPresent, "no version " + index);
            return p;
        }

        /// <summary>A 公費 history: reviews a returned 公費 against <see cref="CurrentPublicExpense"/> (for <see cref="Apply"/>).</summary>
        public Diff ReviewRecord(PublicExpense returned, string resultId, DateTime confirmationDate, QueryKind kind)
        {
            byte[] r = Native.Bytes(resultId);
            OnshiDate d = Values.FromDate(confirmationDate);
            DiffHandle h;
            uint s = NativeMethods.onshi_history_review_public_expense_record(H, returned.H, r, Native.Len(r), ref d, (uint)kind, out h);
            if (s != (uint)Status.Ok && h != null) h.Dispose();
            Check(s);
            return new Diff(h);
        }
    }

    public sealed partial class HistoryVersion
    {
        /// <summary>A 公費 history: a copy of this version's 公費.</summary>
        public PublicExpense PublicExpense { get { return owner.VersionPublicExpense(index); } }
    }

    public sealed partial class Matching
    {
        internal void AddPublicExpense(int index, PublicExpense p)
        {
            Check(NativeMethods.onshi_matching_add_public_expense(H, Values.Index(index), p.H));
        }
    }

    public sealed partial class Patient
    {
        /// <summary>Gives the patient a copy of a 公費 it holds (matching by 公費負担者番号 and 受給者番号).</summary>
        public void AddPublicExpense(PublicExpense p) { owner.AddPublicExpense(index, p); }
    }
}
