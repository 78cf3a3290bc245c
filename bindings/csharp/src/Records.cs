// The hand-written C# layer over the phase-2 handles: diff, history and choices, matching and
// candidates, the card reader, the 基本4情報 and the virtual card. Typed properties of every
// record and list item are generated (Native.g.cs) from the ONSHI_FIELD_* docs; this file
// owns the handles and the plumbing those properties call.
//
// Written for C# 7 / netstandard2.0 and Mono's mcs: no local functions, no C# 8.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace Onshi
{
    /// <summary>Owns a native handle; frees it exactly once.</summary>
    internal abstract class OwnedHandle : SafeHandle
    {
        protected OwnedHandle() : base(IntPtr.Zero, true) { }
        public override bool IsInvalid { get { return handle == IntPtr.Zero; } }
    }

    /// <summary>Owns an onshi_diff.</summary>
    internal sealed class DiffHandle : OwnedHandle
    {
        private DiffHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_diff_free(handle); return true; }
    }

    /// <summary>Owns an onshi_history.</summary>
    internal sealed class HistoryHandle : OwnedHandle
    {
        private HistoryHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_history_free(handle); return true; }
    }

    /// <summary>Owns an onshi_choices.</summary>
    internal sealed class ChoicesHandle : OwnedHandle
    {
        private ChoicesHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_choices_free(handle); return true; }
    }

    /// <summary>Owns an onshi_matching.</summary>
    internal sealed class MatchingHandle : OwnedHandle
    {
        private MatchingHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_matching_free(handle); return true; }
    }

    /// <summary>Owns an onshi_candidates.</summary>
    internal sealed class CandidatesHandle : OwnedHandle
    {
        private CandidatesHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_candidates_free(handle); return true; }
    }

    /// <summary>Owns an onshi_card.</summary>
    internal sealed class CardHandle : OwnedHandle
    {
        private CardHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_card_free(handle); return true; }
    }

    /// <summary>Owns an onshi_basic_info.</summary>
    internal sealed class BasicInfoHandle : OwnedHandle
    {
        private BasicInfoHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_basic_info_free(handle); return true; }
    }

    /// <summary>Owns an onshi_virtual_card.</summary>
    internal sealed class VirtualCardHandle : OwnedHandle
    {
        private VirtualCardHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_virtual_card_free(handle); return true; }
    }

    /// <summary>Overloads of the generated declarations for optional (NULL) pointer arguments.</summary>
    internal static partial class NativeMethods
    {
        [DllImport("onshi", EntryPoint = "onshi_history_apply", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint onshi_history_apply_recommended(HistoryHandle h, DiffHandle review, IntPtr choices, uint policy, byte[] actor, UIntPtr actor_len, ref OnshiDateTime at, out UIntPtr out_events);

        [DllImport("onshi", EntryPoint = "onshi_choices_set_start_date", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint onshi_choices_set_start_date_null(ChoicesHandle c, IntPtr date);
    }

    /// <summary>Reads of the C ABI's optional values, and conversions.</summary>
    internal static class Values
    {
        internal static DateTime ToDate(OnshiDate d) { return new DateTime(d.Year, (int)d.Month, (int)d.Day); }

        internal static DateTime ToDateTime(OnshiDateTime t)
        {
            return new DateTime(t.Year, (int)t.Month, (int)t.Day, (int)t.Hour, (int)t.Minute, (int)t.Second);
        }

        internal static OnshiDate FromDate(DateTime d)
        {
            return new OnshiDate { Year = d.Year, Month = (uint)d.Month, Day = (uint)d.Day };
        }

        internal static OnshiDateTime FromDateTime(DateTime t)
        {
            return new OnshiDateTime { Year = t.Year, Month = (uint)t.Month, Day = (uint)t.Day, Hour = (uint)t.Hour, Minute = (uint)t.Minute, Second = (uint)t.Second };
        }

        internal static UIntPtr Index(int index)
        {
            if (index < 0) throw new OnshiException(Status.OutOfRange, "negative index " + index);
            return new UIntPtr((uint)index);
        }

        /// <summary>Takes ownership of a handle a call returned, or disposes it and throws.</summary>
        internal static T Take<T>(uint status, T h, ErrorHandle err) where T : SafeHandle
        {
            if (status != (uint)Status.Ok)
            {
                if (h != null) h.Dispose();
                Native.Check(status, err);
            }
            return h;
        }
    }

    /// <summary>A native object with a last-error message: the checks every wrapper shares.</summary>
    public abstract class NativeObject : IDisposable
    {
        internal abstract SafeHandle Raw { get; }

        internal abstract uint LastErrorCall(byte[] buf, UIntPtr cap, out UIntPtr len);

        /// <summary>Frees the native object now (calls other threads are making on it end first).</summary>
        public void Dispose()
        {
            BeforeDispose();
            Raw.Dispose();
        }

        /// <summary>Ends what keeps the native handle in use before it is freed (a client's waits:
        /// a SafeHandle is only released once the calls using it return).</summary>
        internal virtual void BeforeDispose() { }

        internal void Alive()
        {
            if (Raw.IsClosed || Raw.IsInvalid) throw new ObjectDisposedException(GetType().Name);
        }

        /// <summary>The English detail of the most recent failed call on this object.</summary>
        public string LastError
        {
            get { Alive(); return Native.TextOrThrow(LastErrorCall); }
        }

        internal void Check(uint status)
        {
            if (status == (uint)Status.Ok) return;
            throw Native.ErrorOfHandle(status, Raw);
        }

        internal string Text(TextCall call)
        {
            string text;
            Check(Native.ReadText(call, out text));
            return text;
        }

        internal string OptionalText(TextCall call)
        {
            string text;
            uint s = Native.ReadText(call, out text);
            if (s == (uint)Status.NotPresent) return null;
            Check(s);
            return text;
        }

        internal uint? OptionalU32(uint status, uint value)
        {
            if (status == (uint)Status.NotPresent) return null;
            Check(status);
            return value;
        }

        internal DateTime? OptionalDate(uint status, OnshiDate value)
        {
            if (status == (uint)Status.NotPresent) return null;
            Check(status);
            return Values.ToDate(value);
        }

        internal DateTime? OptionalDateTime(uint status, OnshiDateTime value)
        {
            if (status == (uint)Status.NotPresent) return null;
            Check(status);
            return Values.ToDateTime(value);
        }

        internal int CountOf(uint status, UIntPtr n)
        {
            Check(status);
            return (int)n.ToUInt32();
        }
    }

    /// <summary>
    /// A diff (比較結果) of the clinic's record with the terminal's answer: the verdict, every
    /// compared field with its class, advice and Japanese message, notices, and the guidance
    /// when the answer is not confirmed. Typed properties are in the generated part.
    /// </summary>
    public sealed partial class Diff : NativeObject
    {
        private readonly DiffHandle handle;

        internal Diff(DiffHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal DiffHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_diff_last_error(handle, b, c, out n); }

        /// <summary>
        /// Compares a registered record with a returned one on <paramref name="confirmationDate"/>
        /// (資格確認日); <paramref name="clinic"/> is the clinic's kind of care for the 医療券 checks
        /// (null: not checked).
        /// </summary>
        public static Diff Compare(Qualification registered, Qualification returned, DateTime confirmationDate, QueryKind kind, Onshi.ClinicKind? clinic = null)
        {
            OnshiDate d = Values.FromDate(confirmationDate);
            using (ErrorHandle err = Native.NewError())
            {
                DiffHandle h;
                uint s = NativeMethods.onshi_diff_compare(err, registered.H, returned.H, ref d, (uint)kind, clinic.HasValue ? (uint)clinic.Value : 0, out h);
                return new Diff(Values.Take(s, h, err));
            }
        }

        /// <summary>Reads a diff from its JSON (it carries no records: it cannot be applied).</summary>
        public static Diff FromJson(string json)
        {
            byte[] bytes = Native.Bytes(json);
            using (ErrorHandle err = Native.NewError())
            {
                DiffHandle h;
                uint s = NativeMethods.onshi_diff_from_json(err, bytes, Native.Len(bytes), out h);
                return new Diff(Values.Take(s, h, err));
            }
        }

        /// <summary>The diff as JSON (the library's documented shape).</summary>
        public string ToJson()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_diff_to_json(H, b, c, out n));
        }

        /// <summary>An independent copy.</summary>
        public Diff Clone()
        {
            DiffHandle h;
            uint s = NativeMethods.onshi_diff_clone(H, out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Check(s);
            return new Diff(h);
        }

        /// <summary>A field of the diff as text (enumerations as their ids); null when absent.</summary>
        public string GetText(Field field)
        {
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_diff_get_text(H, (uint)field, b, c, out n));
        }

        /// <summary>An integer or enumeration field; null when absent.</summary>
        public uint? GetUInt32(Field field)
        {
            uint v;
            return OptionalU32(NativeMethods.onshi_diff_get_u32(H, (uint)field, out v), v);
        }

        /// <summary>A date field; null when absent.</summary>
        public DateTime? GetDate(Field field)
        {
            OnshiDate d;
            return OptionalDate(NativeMethods.onshi_diff_get_date(H, (uint)field, out d), d);
        }

        /// <summary>The number of items of a list of the diff.</summary>
        public int Count(ListKind list)
        {
            UIntPtr n;
            return CountOf(NativeMethods.onshi_diff_count(H, (uint)list, out n), n);
        }

        /// <summary>A field of a list item as text; null when absent.</summary>
        public string GetItemText(ListKind list, int index, Field field)
        {
            UIntPtr i = Values.Index(index);
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_diff_item_get_text(H, (uint)list, i, (uint)field, b, c, out n));
        }

        /// <summary>An integer or enumeration field of a list item; null when absent.</summary>
        public uint? GetItemUInt32(ListKind list, int index, Field field)
        {
            uint v;
            return OptionalU32(NativeMethods.onshi_diff_item_get_u32(H, (uint)list, Values.Index(index), (uint)field, out v), v);
        }

        /// <summary>The compared fields, in display order.</summary>
        public IList<DiffFieldItem> Fields
        {
            get
            {
                var items = new List<DiffFieldItem>();
                int n = Count(ListKind.DiffFields);
                for (int i = 0; i < n; i++) items.Add(new DiffFieldItem(this, i));
                return items;
            }
        }

        /// <summary>The compared field <paramref name="field"/>, or null when neither side holds it.</summary>
        public DiffFieldItem FieldOf(Field field)
        {
            foreach (DiffFieldItem f in Fields)
            {
                if (f.Field == field) return f;
            }
            return null;
        }

        /// <summary>Notices for staff beyond single fields.</summary>
        public IList<DiffNoticeItem> Notices
        {
            get
            {
                var items = new List<DiffNoticeItem>();
                int n = Count(ListKind.DiffNotices);
                for (int i = 0; i < n; i++) items.Add(new DiffNoticeItem(this, i));
                return items;
            }
        }

        private IList<string> Strings(ListKind list, Field field)
        {
            var items = new List<string>();
            int n = Count(list);
            for (int i = 0; i < n; i++) items.Add(GetItemText(list, i, field));
            return items;
        }

        /// <summary>Possible causes of a not-confirmed answer (Japanese; empty when confirmed).</summary>
        public IList<string> PossibleCauses { get { return Strings(ListKind.DiffPossibleCauses, Onshi.Field.DiffPossibleCause); } }

        /// <summary>What staff should do next after a not-confirmed answer (Japanese).</summary>
        public IList<string> NextSteps { get { return Strings(ListKind.DiffNextSteps, Onshi.Field.DiffNextStep); } }

        private Qualification Record(bool registered)
        {
            QualificationHandle h;
            uint s = registered ? NativeMethods.onshi_diff_registered(H, out h) : NativeMethods.onshi_diff_returned(H, out h);
            if (s != (uint)Status.Ok) h.Dispose();
            if (s == (uint)Status.NotPresent) return null;
            Check(s);
            return new Qualification(h);
        }

        /// <summary>A copy of the registered record compared (null for a diff read from JSON).</summary>
        public Qualification Registered() { return Record(true); }

        /// <summary>A copy of the returned record compared (null when none came back).</summary>
        public Qualification Returned() { return Record(false); }
    }

    /// <summary>One compared field of a <see cref="Diff"/>.</summary>
    public sealed partial class DiffFieldItem
    {
        private readonly Diff owner;
        private readonly int index;

        internal DiffFieldItem(Diff owner, int index) { this.owner = owner; this.index = index; }

        /// <summary>The field's stable id ("name_kana").</summary>
        public string Id { get { return owner.GetItemText(ListKind.DiffFields, index, Onshi.Field.DiffItemField); } }
    }

    /// <summary>One notice of a <see cref="Diff"/>.</summary>
    public sealed partial class DiffNoticeItem
    {
        private readonly Diff owner;
        private readonly int index;

        internal DiffNoticeItem(Diff owner, int index) { this.owner = owner; this.index = index; }
    }

    /// <summary>The staff's decisions for one <see cref="History.Apply"/>; new choices follow every recommendation.</summary>
    public sealed class Choices : NativeObject
    {
        private readonly ChoicesHandle handle;

        /// <summary>Choices that follow every recommendation.</summary>
        public Choices()
        {
            handle = NativeMethods.onshi_choices_new();
            if (handle.IsInvalid) throw new OutOfMemoryException("onshi_choices_new");
        }

        private Choices(ChoicesHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal ChoicesHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_choices_last_error(handle, b, c, out n); }

        /// <summary>Reads choices from JSON ({"fields": {"address": "reflect"}, "identity_verified": true}).</summary>
        public static Choices FromJson(string json)
        {
            byte[] bytes = Native.Bytes(json);
            using (ErrorHandle err = Native.NewError())
            {
                ChoicesHandle h;
                uint s = NativeMethods.onshi_choices_from_json(err, bytes, Native.Len(bytes), out h);
                return new Choices(Values.Take(s, h, err));
            }
        }

        /// <summary>The choices as JSON.</summary>
        public string ToJson()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_choices_to_json(H, b, c, out n));
        }

        /// <summary>反映 this field whatever the recommendation.</summary>
        public Choices Reflect(Field field) { Check(NativeMethods.onshi_choices_set(H, (uint)field, (uint)Decision.Reflect)); return this; }

        /// <summary>Keep the registered value of this field.</summary>
        public Choices Keep(Field field) { Check(NativeMethods.onshi_choices_set(H, (uint)field, (uint)Decision.Keep)); return this; }

        /// <summary>Follow the recommendation for this field again.</summary>
        public Choices Recommended(Field field) { Check(NativeMethods.onshi_choices_clear(H, (uint)field)); return this; }

        /// <summary>Staff verified the patient's identity (needed for a verify_identity diff).</summary>
        public bool IdentityVerified
        {
            set { Check(NativeMethods.onshi_choices_set_identity_verified(H, value)); }
        }

        /// <summary>An explicit start for a new version (null: computed).</summary>
        public DateTime? StartDate
        {
            set
            {
                if (value.HasValue)
                {
                    OnshiDate d = Values.FromDate(value.Value);
                    Check(NativeMethods.onshi_choices_set_start_date(H, ref d));
                }
                else
                {
                    Check(NativeMethods.onshi_choices_set_start_date_null(H, IntPtr.Zero));
                }
            }
        }
    }

    /// <summary>A patient's qualification history (資格履歴): versions, links, audit trail.</summary>
    public sealed partial class History : NativeObject
    {
        private readonly HistoryHandle handle;

        internal History(HistoryHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal HistoryHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_history_last_error(handle, b, c, out n); }

        /// <summary>A history whose first version was entered by hand, starting on <paramref name="start"/>.</summary>
        public static History New(Qualification first, DateTime start, string actor, DateTime at)
        {
            OnshiDate s0 = Values.FromDate(start);
            OnshiDateTime t = Values.FromDateTime(at);
            byte[] a = Native.Bytes(actor);
            using (ErrorHandle err = Native.NewError())
            {
                HistoryHandle h;
                uint s = NativeMethods.onshi_history_new(err, first.H, ref s0, a, Native.Len(a), ref t, out h);
                return new History(Values.Take(s, h, err));
            }
        }

        /// <summary>A history whose first version comes from a terminal result (新患登録), linked to it.</summary>
        public static History FromResult(Qualification first, DateTime start, string resultId, DateTime confirmationDate, string actor, DateTime at)
        {
            OnshiDate s0 = Values.FromDate(start);
            OnshiDate cd = Values.FromDate(confirmationDate);
            OnshiDateTime t = Values.FromDateTime(at);
            byte[] r = Native.Bytes(resultId);
            byte[] a = Native.Bytes(actor);
            using (ErrorHandle err = Native.NewError())
            {
                HistoryHandle h;
                uint s = NativeMethods.onshi_history_from_result(err, first.H, ref s0, r, Native.Len(r), ref cd, a, Native.Len(a), ref t, out h);
                return new History(Values.Take(s, h, err));
            }
        }

        /// <summary>Reads a history from JSON and checks its invariants.</summary>
        public static History FromJson(string json)
        {
            byte[] bytes = Native.Bytes(json);
            using (ErrorHandle err = Native.NewError())
            {
                HistoryHandle h;
                uint s = NativeMethods.onshi_history_from_json(err, bytes, Native.Len(bytes), out h);
                return new History(Values.Take(s, h, err));
            }
        }

        /// <summary>The history as JSON (store it with the patient).</summary>
        public string ToJson()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_history_to_json(H, b, c, out n));
        }

        /// <summary>An integer field of the history; null when absent.</summary>
        public uint? GetUInt32(Field field)
        {
            uint v;
            return OptionalU32(NativeMethods.onshi_history_get_u32(H, (uint)field, out v), v);
        }

        /// <summary>The number of items of a list of the history.</summary>
        public int Count(ListKind list)
        {
            UIntPtr n;
            return CountOf(NativeMethods.onshi_history_count(H, (uint)list, out n), n);
        }

        /// <summary>A field of a version or audit event as text; null when absent.</summary>
        public string GetItemText(ListKind list, int index, Field field)
        {
            UIntPtr i = Values.Index(index);
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_history_item_get_text(H, (uint)list, i, (uint)field, b, c, out n));
        }

        /// <summary>An integer or enumeration field of a version or audit event.</summary>
        public uint? GetItemUInt32(ListKind list, int index, Field field)
        {
            uint v;
            return OptionalU32(NativeMethods.onshi_history_item_get_u32(H, (uint)list, Values.Index(index), (uint)field, out v), v);
        }

        /// <summary>A date field of a version or audit event.</summary>
        public DateTime? GetItemDate(ListKind list, int index, Field field)
        {
            OnshiDate d;
            return OptionalDate(NativeMethods.onshi_history_item_get_date(H, (uint)list, Values.Index(index), (uint)field, out d), d);
        }

        /// <summary>A date-time field of a version or audit event.</summary>
        public DateTime? GetItemDateTime(ListKind list, int index, Field field)
        {
            OnshiDateTime t;
            return OptionalDateTime(NativeMethods.onshi_history_item_get_datetime(H, (uint)list, Values.Index(index), (uint)field, out t), t);
        }

        /// <summary>The versions, oldest first.</summary>
        public IList<HistoryVersion> Versions
        {
            get
            {
                var items = new List<HistoryVersion>();
                int n = Count(ListKind.HistoryVersions);
                for (int i = 0; i < n; i++) items.Add(new HistoryVersion(this, i));
                return items;
            }
        }

        /// <summary>The audit trail, oldest first.</summary>
        public IList<HistoryAuditEntry> Audit
        {
            get
            {
                var items = new List<HistoryAuditEntry>();
                int n = Count(ListKind.HistoryAudit);
                for (int i = 0; i < n; i++) items.Add(new HistoryAuditEntry(this, i));
                return items;
            }
        }

        /// <summary>A copy of the latest version's qualification (what a diff is made against); null when empty.</summary>
        public Qualification Current()
        {
            QualificationHandle h;
            uint s = NativeMethods.onshi_history_current(H, out h);
            if (s != (uint)Status.Ok) h.Dispose();
            if (s == (uint)Status.NotPresent) return null;
            Check(s);
            return new Qualification(h);
        }

        /// <summary>A copy of the qualification of the version at <paramref name="index"/>.</summary>
        public Qualification VersionQualification(int index)
        {
            QualificationHandle h;
            uint s = NativeMethods.onshi_history_version_qualification(H, Values.Index(index), out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Check(s);
            return new Qualification(h);
        }

        /// <summary>The index of the version in force on <paramref name="date"/>, or -1.</summary>
        public int IndexAt(DateTime date)
        {
            OnshiDate d = Values.FromDate(date);
            UIntPtr i;
            uint s = NativeMethods.onshi_history_at(H, ref d, out i);
            if (s == (uint)Status.NotPresent) return -1;
            Check(s);
            return (int)i.ToUInt32();
        }

        /// <summary>
        /// Reviews a returned record against <see cref="Current"/>: the diff staff see, kept with
        /// the record it judged and the revision it was made on, for <see cref="Apply"/>.
        /// <paramref name="resultId"/> names the result (the res or face file name);
        /// <paramref name="clinic"/> is the clinic's kind of care (null: not checked).
        /// </summary>
        public Diff ReviewRecord(Qualification returned, string resultId, DateTime confirmationDate, QueryKind kind, Onshi.ClinicKind? clinic = null)
        {
            byte[] r = Native.Bytes(resultId);
            OnshiDate d = Values.FromDate(confirmationDate);
            DiffHandle h;
            uint s = NativeMethods.onshi_history_review_record(H, returned.H, r, Native.Len(r), ref d, (uint)kind, clinic.HasValue ? (uint)clinic.Value : 0, out h);
            if (s != (uint)Status.Ok && h != null) h.Dispose();
            Check(s);
            return new Diff(h);
        }

        /// <summary>
        /// <c>ReviewRecord</c> with what the patient presented: kept with the confirmation (the
        /// version's link, the linked audit event) and read by the advice (お知らせ alone, a
        /// 資格確認書 holder's 記号・番号 query, the 後期高齢 資格確認書 without an address …);
        /// <paramref name="clinic"/> as for the other overload.
        /// </summary>
        public Diff ReviewRecord(Qualification returned, string resultId, DateTime confirmationDate, QueryKind kind, Presentation presentation, Onshi.ClinicKind? clinic = null)
        {
            byte[] r = Native.Bytes(resultId);
            OnshiDate d = Values.FromDate(confirmationDate);
            DiffHandle h;
            uint s = NativeMethods.onshi_history_review_record_presented(H, returned.H, r, Native.Len(r), ref d, (uint)kind, clinic.HasValue ? (uint)clinic.Value : 0, (uint)presentation, out h);
            if (s != (uint)Status.Ok && h != null) h.Dispose();
            Check(s);
            return new Diff(h);
        }

        /// <summary>
        /// Applies a review made by this history (<c>ReviewRecord</c>, <c>Review</c>):
        /// links the result, reflects fields, or opens a new version; nothing is compared again.
        /// Returns the number of audit events added (0: already applied).
        /// </summary>
        public int Apply(Diff review, Choices choices, StartDatePolicy policy, string actor, DateTime at)
        {
            byte[] a = Native.Bytes(actor);
            OnshiDateTime t = Values.FromDateTime(at);
            UIntPtr events;
            uint s = choices == null
                ? NativeMethods.onshi_history_apply_recommended(H, review.H, IntPtr.Zero, (uint)policy, a, Native.Len(a), ref t, out events)
                : NativeMethods.onshi_history_apply(H, review.H, choices.H, (uint)policy, a, Native.Len(a), ref t, out events);
            Check(s);
            return (int)events.ToUInt32();
        }

        /// <summary>Removes the link between a version and its result (資格情報の解除).</summary>
        public void Unlink(uint versionId, string actor, DateTime at)
        {
            byte[] a = Native.Bytes(actor);
            OnshiDateTime t = Values.FromDateTime(at);
            Check(NativeMethods.onshi_history_unlink(H, versionId, a, Native.Len(a), ref t));
        }

        /// <summary>Closes a version on <paramref name="lastDay"/>.</summary>
        public void Expire(uint versionId, DateTime lastDay, string actor, DateTime at)
        {
            byte[] a = Native.Bytes(actor);
            OnshiDate d = Values.FromDate(lastDay);
            OnshiDateTime t = Values.FromDateTime(at);
            Check(NativeMethods.onshi_history_expire(H, versionId, ref d, a, Native.Len(a), ref t));
        }
    }

    /// <summary>One version of a <see cref="History"/>.</summary>
    public sealed partial class HistoryVersion
    {
        private readonly History owner;
        private readonly int index;

        internal HistoryVersion(History owner, int index) { this.owner = owner; this.index = index; }

        /// <summary>A copy of this version's qualification.</summary>
        public Qualification Qualification { get { return owner.VersionQualification(index); } }
    }

    /// <summary>One audit event of a <see cref="History"/>.</summary>
    public sealed partial class HistoryAuditEntry
    {
        private readonly History owner;
        private readonly int index;

        internal HistoryAuditEntry(History owner, int index) { this.owner = owner; this.index = index; }
    }

    /// <summary>The patients a result is matched against (the EMR's list, or the part worth searching).</summary>
    public sealed partial class Matching : NativeObject
    {
        private readonly MatchingHandle handle;

        /// <summary>An empty patient list.</summary>
        public Matching()
        {
            handle = NativeMethods.onshi_matching_new();
            if (handle.IsInvalid) throw new OutOfMemoryException("onshi_matching_new");
        }

        private Matching(MatchingHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal MatchingHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_matching_last_error(handle, b, c, out n); }

        /// <summary>Reads the patients from a JSON array of {"patient_id", "name", "kana", "birthdate", …}.</summary>
        public static Matching FromJson(string json)
        {
            byte[] bytes = Native.Bytes(json);
            using (ErrorHandle err = Native.NewError())
            {
                MatchingHandle h;
                uint s = NativeMethods.onshi_matching_from_json(err, bytes, Native.Len(bytes), out h);
                return new Matching(Values.Take(s, h, err));
            }
        }

        /// <summary>The patients as JSON.</summary>
        public string ToJson()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_matching_to_json(H, b, c, out n));
        }

        /// <summary>The number of patients.</summary>
        public int Count
        {
            get
            {
                UIntPtr n;
                return CountOf(NativeMethods.onshi_matching_count(H, (uint)ListKind.Patients, out n), n);
            }
        }

        /// <summary>Appends an empty patient with this id and returns it for its other fields.</summary>
        public Patient Add(string patientId)
        {
            UIntPtr i;
            Check(NativeMethods.onshi_matching_item_add(H, (uint)ListKind.Patients, out i));
            var p = new Patient(this, (int)i.ToUInt32());
            p.Id = patientId;
            return p;
        }

        /// <summary>The patient at <paramref name="index"/>.</summary>
        public Patient this[int index]
        {
            get
            {
                if (index < 0 || index >= Count) throw new OnshiException(Status.OutOfRange, "index " + index);
                return new Patient(this, index);
            }
        }

        /// <summary>Removes the patient at <paramref name="index"/>.</summary>
        public void RemoveAt(int index) { Check(NativeMethods.onshi_matching_item_remove(H, (uint)ListKind.Patients, Values.Index(index))); }

        internal string GetItemText(ListKind list, int index, Field field)
        {
            UIntPtr i = Values.Index(index);
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_matching_item_get_text(H, (uint)list, i, (uint)field, b, c, out n));
        }

        internal void SetItemText(ListKind list, int index, Field field, string value)
        {
            if (value == null)
            {
                Check(NativeMethods.onshi_matching_item_clear(H, (uint)list, Values.Index(index), (uint)field));
                return;
            }
            byte[] v = Native.Bytes(value);
            Check(NativeMethods.onshi_matching_item_set_text(H, (uint)list, Values.Index(index), (uint)field, v, Native.Len(v)));
        }

        internal DateTime? GetItemDate(ListKind list, int index, Field field)
        {
            OnshiDate d;
            return OptionalDate(NativeMethods.onshi_matching_item_get_date(H, (uint)list, Values.Index(index), (uint)field, out d), d);
        }

        internal void SetItemDate(ListKind list, int index, Field field, DateTime? value)
        {
            if (!value.HasValue)
            {
                Check(NativeMethods.onshi_matching_item_clear(H, (uint)list, Values.Index(index), (uint)field));
                return;
            }
            OnshiDate d = Values.FromDate(value.Value);
            Check(NativeMethods.onshi_matching_item_set_date(H, (uint)list, Values.Index(index), (uint)field, ref d));
        }

        internal uint? GetItemUInt32(ListKind list, int index, Field field)
        {
            uint v;
            return OptionalU32(NativeMethods.onshi_matching_item_get_u32(H, (uint)list, Values.Index(index), (uint)field, out v), v);
        }

        internal void AddQualification(int index, Qualification q)
        {
            Check(NativeMethods.onshi_matching_add_qualification(H, Values.Index(index), q.H));
        }

        /// <summary>The patients who may be the person of a returned record, best first (empty: a new patient).</summary>
        public Candidates Find(Qualification result)
        {
            CandidatesHandle h;
            uint s = NativeMethods.onshi_matching_find(H, result.H, out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Check(s);
            return new Candidates(h);
        }

        /// <summary>The patients who may be the holder of a card, from its 基本4情報.</summary>
        public Candidates FindCard(BasicInfo info)
        {
            CandidatesHandle h;
            uint s = NativeMethods.onshi_matching_find_card(H, info.H, out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Check(s);
            return new Candidates(h);
        }

        /// <summary>The 新患登録 draft for a returned record, as JSON.</summary>
        public static string NewPatientDraftJson(Qualification result)
        {
            using (ErrorHandle err = Native.NewError())
            {
                string text;
                uint s = Native.ReadText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_new_patient_draft_to_json(err, result.H, b, c, out n), out text);
                Native.Check(s, err);
                return text;
            }
        }
    }

    /// <summary>One patient of a <see cref="Matching"/>.</summary>
    public sealed partial class Patient
    {
        private readonly Matching owner;
        private readonly int index;

        internal Patient(Matching owner, int index) { this.owner = owner; this.index = index; }

        /// <summary>Gives the patient a copy of a qualification it holds (matching by insurance card numbers).</summary>
        public void AddQualification(Qualification q) { owner.AddQualification(index, q); }
    }

    /// <summary>The candidates found for one person, best first.</summary>
    public sealed class Candidates : NativeObject
    {
        private readonly CandidatesHandle handle;

        internal Candidates(CandidatesHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal CandidatesHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_candidates_last_error(handle, b, c, out n); }

        /// <summary>The candidates as JSON.</summary>
        public string ToJson()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_candidates_to_json(H, b, c, out n));
        }

        /// <summary>The number of candidates.</summary>
        public int Count
        {
            get
            {
                UIntPtr n;
                return CountOf(NativeMethods.onshi_candidates_count(H, (uint)ListKind.Candidates, out n), n);
            }
        }

        /// <summary>The candidate at <paramref name="index"/> (0 is the best).</summary>
        public Candidate this[int index]
        {
            get
            {
                if (index < 0 || index >= Count) throw new OnshiException(Status.OutOfRange, "index " + index);
                return new Candidate(this, index);
            }
        }

        internal string GetItemText(ListKind list, int index, Field field)
        {
            UIntPtr i = Values.Index(index);
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_candidates_item_get_text(H, (uint)list, i, (uint)field, b, c, out n));
        }

        internal uint? GetItemUInt32(ListKind list, int index, Field field)
        {
            uint v;
            return OptionalU32(NativeMethods.onshi_candidates_item_get_u32(H, (uint)list, Values.Index(index), (uint)field, out v), v);
        }
    }

    /// <summary>One candidate of <see cref="Candidates"/>.</summary>
    public sealed partial class Candidate
    {
        private readonly Candidates owner;
        private readonly int index;

        internal Candidate(Candidates owner, int index) { this.owner = owner; this.index = index; }
    }

    /// <summary>The 基本4情報 read from a マイナンバーカード (not authenticated: staff check it against the card).</summary>
    public sealed partial class BasicInfo : NativeObject
    {
        private readonly BasicInfoHandle handle;

        internal BasicInfo(BasicInfoHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal BasicInfoHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_basic_info_last_error(handle, b, c, out n); }

        /// <summary>The 基本4情報 as JSON (personal data: show it, never log it).</summary>
        public string ToJson()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_basic_info_to_json(H, b, c, out n));
        }

        /// <summary>The 新患登録 draft pre-filled from the card, as JSON.</summary>
        public string NewPatientDraftJson()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_basic_info_new_patient_draft_to_json(H, b, c, out n));
        }

        /// <summary>A field as text; null when absent.</summary>
        public string GetText(Field field)
        {
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_basic_info_get_text(H, (uint)field, b, c, out n));
        }

        /// <summary>A date field; null when absent.</summary>
        public DateTime? GetDate(Field field)
        {
            OnshiDate d;
            return OptionalDate(NativeMethods.onshi_basic_info_get_date(H, (uint)field, out d), d);
        }

        /// <summary>An enumeration field; null when absent.</summary>
        public uint? GetUInt32(Field field)
        {
            uint v;
            return OptionalU32(NativeMethods.onshi_basic_info_get_u32(H, (uint)field, out v), v);
        }
    }

    /// <summary>A connection to one card: in a PC/SC reader, or the in-process virtual card.</summary>
    public sealed class Card : NativeObject
    {
        private readonly CardHandle handle;

        private Card(CardHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal CardHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_card_last_error(handle, b, c, out n); }

        /// <summary>The names of the connected PC/SC readers.</summary>
        public static IList<string> ListReaders()
        {
            using (ErrorHandle err = Native.NewError())
            {
                string text;
                uint s = Native.ReadText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_card_list_readers(err, b, c, out n), out text);
                Native.Check(s, err);
                return text.Length == 0 ? new List<string>() : new List<string>(text.Split('\n'));
            }
        }

        /// <summary>Connects to the card in <paramref name="reader"/> (null: the first reader with a card).</summary>
        public static Card OpenReader(string reader)
        {
            byte[] r = Native.Bytes(reader);
            using (ErrorHandle err = Native.NewError())
            {
                CardHandle h;
                uint s = NativeMethods.onshi_card_open_reader(err, r, Native.Len(r), out h);
                return new Card(Values.Take(s, h, err));
            }
        }

        /// <summary>The virtual card in process (tests): null config is the fixture (検証　花子, PIN 1234).</summary>
        public static Card OpenVirtual(string configJson)
        {
            byte[] j = Native.Bytes(configJson);
            using (ErrorHandle err = Native.NewError())
            {
                CardHandle h;
                uint s = NativeMethods.onshi_card_open_virtual(err, j, Native.Len(j), out h);
                return new Card(Values.Take(s, h, err));
            }
        }

        /// <summary>Throws unless the card is a マイナンバーカード.</summary>
        public void Recognise() { Check(NativeMethods.onshi_card_recognise(H)); }

        /// <summary>PIN tries left (0: locked); sends no PIN.</summary>
        public int TriesLeft
        {
            get
            {
                uint n;
                Check(NativeMethods.onshi_card_tries_left(H, out n));
                return (int)n;
            }
        }

        /// <summary>
        /// Reads the 基本4情報 with the patient's PIN given as UTF-8 bytes; wipe the array
        /// (Array.Clear) when this returns. With one try left, <paramref name="confirmLastTry"/> must be true.
        /// </summary>
        public BasicInfo ReadBasicInfo(byte[] pinUtf8, bool confirmLastTry)
        {
            if (pinUtf8 == null) throw new ArgumentNullException("pinUtf8");
            BasicInfoHandle h;
            uint s = NativeMethods.onshi_card_read_basic_info(H, pinUtf8, Native.Len(pinUtf8), confirmLastTry, out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Check(s);
            return new BasicInfo(h);
        }
    }

    /// <summary>The virtual card inserted into a vsmartcard-vpcd reader (test machines only); Dispose removes it.</summary>
    public sealed class VirtualCard : NativeObject
    {
        private readonly VirtualCardHandle handle;

        private VirtualCard(VirtualCardHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_virtual_card_last_error(handle, b, c, out n); }

        /// <summary>Inserts the card into the vpcd reader listening on host:port (35963: "Virtual PCD 00 00").</summary>
        public static VirtualCard Insert(string host, ushort port, string configJson)
        {
            byte[] hb = Native.Bytes(host);
            byte[] j = Native.Bytes(configJson);
            using (ErrorHandle err = Native.NewError())
            {
                VirtualCardHandle h;
                uint s = NativeMethods.onshi_virtual_card_insert(err, hb, Native.Len(hb), port, j, Native.Len(j), out h);
                return new VirtualCard(Values.Take(s, h, err));
            }
        }

        /// <summary>Whether anything touched the 個人番号 (EF 0001): must stay false.</summary>
        public bool TouchedMyNumber
        {
            get
            {
                Alive();
                bool v;
                Check(NativeMethods.onshi_virtual_card_touched_my_number(handle, out v));
                return v;
            }
        }
    }
}
