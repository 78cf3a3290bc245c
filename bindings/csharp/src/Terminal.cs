// The C# layer over documents (parse, build, write), tickets, the terminal client (with face
// results by poll and by callback, CancellationToken and Task-returning async methods) and the
// emulator.
//
// Written for C# 7 / netstandard2.0 and Mono's mcs: no local functions, no C# 8.
using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Onshi
{
    /// <summary>Limits applied when parsing (onshi_limits); 0 in a field is its default.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OnshiLimits
    {
        /// <summary>Largest input accepted, in bytes (0: 64 MiB).</summary>
        public UIntPtr MaxBytes;
        /// <summary>Deepest element nesting accepted (0: 32).</summary>
        public UIntPtr MaxDepth;
    }

    /// <summary>What a file name says about a file (onshi_file_name_info).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OnshiFileNameInfo
    {
        /// <summary>The message family.</summary>
        public Family Family;
        /// <summary>1 for 01 (upload / single), 2 for 02 (download).</summary>
        public uint Phase;
        /// <summary>1 for a request, 2 for a response.</summary>
        public uint Direction;
        /// <summary>1 .xml, 2 .err, 3 .pdf, 4 .zip.</summary>
        public uint Extension;
        /// <summary>1 for a face-reader push, else 0.</summary>
        public uint IsFace;
    }

    /// <summary>Options of the bulk flow (onshi_bulk_options); 0 in a field is its default.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OnshiBulkOptions
    {
        /// <summary>Give up after this long (default 600 000 ms).</summary>
        public uint DeadlineMs;
        /// <summary>Wait for each single answer at most this long (default 60 000 ms).</summary>
        public uint StepTimeoutMs;
        /// <summary>First wait between two polls (default 2 000 ms).</summary>
        public uint InitialBackoffMs;
        /// <summary>Longest wait between two polls (default 60 000 ms).</summary>
        public uint MaxBackoffMs;
    }

    /// <summary>What the emulator did so far (onshi_emulator_stats).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct OnshiEmulatorStats
    {
        /// <summary>Requests taken from req/.</summary>
        public ulong Taken;
        /// <summary>Answers written into res/.</summary>
        public ulong Answered;
        /// <summary>Requests rejected with .err.</summary>
        public ulong Rejected;
        /// <summary>Face results pushed.</summary>
        public ulong Faces;
    }

    /// <summary>The face callback of the C ABI (onshi_face_callback): userdata first.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate uint OnshiFaceCallback(IntPtr userdata, IntPtr doc, uint status);

    /// <summary>The cipher callback of the C ABI (onshi_cipher_callback): userdata first.</summary>
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    internal delegate uint OnshiCipherCallback(IntPtr userdata, uint stage, IntPtr fileName, UIntPtr fileNameLen, IntPtr input, UIntPtr inputLen, IntPtr output);

    /// <summary>Which way a cipher works.</summary>
    public enum CipherStage : uint
    {
        /// <summary>Decrypt a file the terminal wrote (res/, face/), which is not XML.</summary>
        Decrypt = 1,
        /// <summary>Encrypt a request before it is written into req/.</summary>
        Encrypt = 2,
    }

    /// <summary>Owns an onshi_document.</summary>
    internal sealed class DocumentHandle : OwnedHandle
    {
        private DocumentHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_document_free(handle); return true; }
    }

    /// <summary>Owns an onshi_ticket.</summary>
    internal sealed class TicketHandle : OwnedHandle
    {
        private TicketHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_ticket_free(handle); return true; }
    }

    /// <summary>Owns an onshi_client.</summary>
    internal sealed class ClientHandle : OwnedHandle
    {
        private ClientHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_client_free(handle); return true; }
    }

    /// <summary>Owns an onshi_emulator.</summary>
    internal sealed class EmulatorHandle : OwnedHandle
    {
        private EmulatorHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_emulator_free(handle); return true; }
    }

    /// <summary>Owns an onshi_cancel_token.</summary>
    internal sealed class CancelTokenHandle : OwnedHandle
    {
        private CancelTokenHandle() { }
        protected override bool ReleaseHandle() { NativeMethods.onshi_cancel_token_free(handle); return true; }
    }

    /// <summary>
    /// The native cancel token of one blocking call, cancelled when the caller's
    /// <see cref="CancellationToken"/> is.
    /// </summary>
    internal sealed class CallCancel : IDisposable
    {
        internal readonly CancelTokenHandle Handle;
        private readonly CancellationToken token;
        private readonly CancellationToken disposing;
        private readonly CancellationTokenRegistration registration;
        private readonly CancellationTokenRegistration onDispose;

        /// <summary>A call cancelled by the caller's <paramref name="token"/>, or by
        /// <paramref name="disposing"/> (its object was disposed).</summary>
        internal CallCancel(CancellationToken token, CancellationToken disposing)
        {
            this.token = token;
            this.disposing = disposing;
            token.ThrowIfCancellationRequested();
            CancelTokenHandle h;
            uint s = NativeMethods.onshi_cancel_token_new(out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Native.Check(s);
            Handle = h;
            if (token.CanBeCanceled) registration = token.Register(Cancel);
            onDispose = disposing.Register(Cancel);
        }

        private void Cancel()
        {
            try
            {
                NativeMethods.onshi_cancel_token_cancel(Handle);
            }
            catch (ObjectDisposedException)
            {
                // The call is over.
            }
        }

        /// <summary>Disposes <paramref name="h"/> and throws unless the call succeeded: an
        /// OperationCanceledException when the caller's token cancelled it.</summary>
        internal T Take<T>(uint status, T h, ErrorHandle err) where T : SafeHandle
        {
            if (status != (uint)Status.Ok)
            {
                if (h != null) h.Dispose();
                if (status == (uint)Status.TerminalCancelled && token.IsCancellationRequested) throw new OperationCanceledException(token);
                if (status == (uint)Status.TerminalCancelled && disposing.IsCancellationRequested)
                    throw new OnshiException(Status.TerminalCancelled, "cancelled: the client was disposed during the call");
                Native.Check(status, err);
            }
            return h;
        }

        public void Dispose()
        {
            registration.Dispose();
            onDispose.Dispose();
            Handle.Dispose();
        }
    }

    /// <summary>Overloads of the generated declarations for optional (NULL) pointer arguments.</summary>
    internal static partial class NativeMethods
    {
        [DllImport("onshi", EntryPoint = "onshi_document_parse", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint onshi_document_parse_default(ErrorHandle err, byte[] bytes, UIntPtr len, IntPtr limits, out DocumentHandle @out);

        [DllImport("onshi", EntryPoint = "onshi_document_parse_file", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint onshi_document_parse_file_default(ErrorHandle err, byte[] path, UIntPtr path_len, IntPtr limits, out DocumentHandle @out);

        [DllImport("onshi", EntryPoint = "onshi_document_clone", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint onshi_document_clone_raw(IntPtr d, out DocumentHandle @out);

        [DllImport("onshi", EntryPoint = "onshi_diff_compare_document", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint onshi_diff_compare_document_nodate(ErrorHandle err, QualificationHandle registered, DocumentHandle doc, IntPtr date, uint kind, out DiffHandle @out);

        [DllImport("onshi", EntryPoint = "onshi_history_review", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint onshi_history_review_nodate(HistoryHandle h, DocumentHandle doc, UIntPtr unit, byte[] result_id, UIntPtr result_id_len, IntPtr date, uint query_kind, uint clinic_kind, out DiffHandle @out);

        [DllImport("onshi", EntryPoint = "onshi_code_label", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint onshi_code_label_nodate(uint table, byte[] wire, UIntPtr wire_len, IntPtr day, [Out] byte[] buf, UIntPtr cap, out UIntPtr out_len);

        [DllImport("onshi", EntryPoint = "onshi_diff_compare_unit", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint onshi_diff_compare_unit_nodate(ErrorHandle err, QualificationHandle registered, DocumentHandle doc, UIntPtr unit, IntPtr date, uint kind, out DiffHandle @out);

        [DllImport("onshi", EntryPoint = "onshi_client_bulk", CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]
        internal static extern uint onshi_client_bulk_default(ClientHandle c, ErrorHandle err, uint family, DocumentHandle request, IntPtr options, CancelTokenHandle cancel, out DocumentHandle @out);
    }

    /// <summary>
    /// A file of the 資格確認端末 interface: a request to write or an answer read. Header and
    /// body fields are typed properties (generated part); search blocks, results and bulk units
    /// are lists.
    /// </summary>
    public sealed partial class Document : NativeObject
    {
        private readonly DocumentHandle handle;

        internal Document(DocumentHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal DocumentHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_document_last_error(handle, b, c, out n); }

        /// <summary>Parses a file from its bytes (UTF-8 or Shift_JIS).</summary>
        public static Document Parse(byte[] bytes)
        {
            using (ErrorHandle err = Native.NewError())
            {
                DocumentHandle h;
                uint s = NativeMethods.onshi_document_parse_default(err, bytes, Native.Len(bytes ?? new byte[0]), IntPtr.Zero, out h);
                return new Document(Values.Take(s, h, err));
            }
        }

        /// <summary>Parses a file from its bytes with limits.</summary>
        public static Document Parse(byte[] bytes, OnshiLimits limits)
        {
            using (ErrorHandle err = Native.NewError())
            {
                DocumentHandle h;
                uint s = NativeMethods.onshi_document_parse(err, bytes, Native.Len(bytes ?? new byte[0]), ref limits, out h);
                return new Document(Values.Take(s, h, err));
            }
        }

        /// <summary>Parses the file at <paramref name="path"/>.</summary>
        public static Document ParseFile(string path)
        {
            byte[] p = Native.Bytes(path);
            using (ErrorHandle err = Native.NewError())
            {
                DocumentHandle h;
                uint s = NativeMethods.onshi_document_parse_file_default(err, p, Native.Len(p), IntPtr.Zero, out h);
                return new Document(Values.Take(s, h, err));
            }
        }

        /// <summary>An empty message of a type, to fill with the setters.</summary>
        public static Document New(MessageType type)
        {
            DocumentHandle h;
            uint s = NativeMethods.onshi_document_new((uint)type, out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Native.Check(s);
            return new Document(h);
        }

        /// <summary>A 個別照会 request for the insurance card of a registered record on <paramref name="date"/>.</summary>
        public static Document NewIndividualRequest(string institution, Qualification card, DateTime date, string fileIdentifier, bool limitConsent)
        {
            byte[] inst = Native.Bytes(institution);
            byte[] fid = Native.Bytes(fileIdentifier);
            OnshiDate d = Values.FromDate(date);
            using (ErrorHandle err = Native.NewError())
            {
                DocumentHandle h;
                uint s = NativeMethods.onshi_document_new_individual_request(err, inst, Native.Len(inst), card.H, ref d, fid, Native.Len(fid), limitConsent, out h);
                return new Document(Values.Take(s, h, err));
            }
        }

        /// <summary>Reads a document from its JSON.</summary>
        public static Document FromJson(string json)
        {
            byte[] bytes = Native.Bytes(json);
            using (ErrorHandle err = Native.NewError())
            {
                DocumentHandle h;
                uint s = NativeMethods.onshi_document_from_json(err, bytes, Native.Len(bytes), out h);
                return new Document(Values.Take(s, h, err));
            }
        }

        internal static Document CloneRaw(IntPtr raw)
        {
            DocumentHandle h;
            uint s = NativeMethods.onshi_document_clone_raw(raw, out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Native.Check(s);
            return new Document(h);
        }

        /// <summary>The document as JSON.</summary>
        public string ToJson()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_document_to_json(H, b, c, out n));
        }

        /// <summary>An independent copy.</summary>
        public Document Clone()
        {
            DocumentHandle h;
            uint s = NativeMethods.onshi_document_clone(H, out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Check(s);
            return new Document(h);
        }

        /// <summary>The file's bytes in <paramref name="encoding"/> (deterministic, spec order).</summary>
        public byte[] Write(FileEncoding encoding)
        {
            UIntPtr n;
            uint s = NativeMethods.onshi_document_write(H, (uint)encoding, null, UIntPtr.Zero, out n);
            if (s == (uint)Status.Ok) return new byte[0];
            if (s != (uint)Status.BufferTooSmall) Check(s);
            byte[] buf = new byte[(int)n.ToUInt32()];
            Check(NativeMethods.onshi_document_write(H, (uint)encoding, buf, n, out n));
            return buf;
        }

        /// <summary>A field as text; null when absent.</summary>
        public string GetText(Field field)
        {
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_document_get_text(H, (uint)field, b, c, out n));
        }

        /// <summary>Sets a field from text (null clears it).</summary>
        public void SetText(Field field, string value)
        {
            if (value == null) { Check(NativeMethods.onshi_document_clear(H, (uint)field)); return; }
            byte[] v = Native.Bytes(value);
            Check(NativeMethods.onshi_document_set_text(H, (uint)field, v, Native.Len(v)));
        }

        /// <summary>A date field; null when absent.</summary>
        public DateTime? GetDate(Field field)
        {
            OnshiDate d;
            return OptionalDate(NativeMethods.onshi_document_get_date(H, (uint)field, out d), d);
        }

        /// <summary>Sets a date field (null clears it).</summary>
        public void SetDate(Field field, DateTime? value)
        {
            if (!value.HasValue) { Check(NativeMethods.onshi_document_clear(H, (uint)field)); return; }
            OnshiDate d = Values.FromDate(value.Value);
            Check(NativeMethods.onshi_document_set_date(H, (uint)field, ref d));
        }

        /// <summary>A date-time field; null when absent.</summary>
        public DateTime? GetDateTime(Field field)
        {
            OnshiDateTime t;
            return OptionalDateTime(NativeMethods.onshi_document_get_datetime(H, (uint)field, out t), t);
        }

        /// <summary>Sets a date-time field (null clears it).</summary>
        public void SetDateTime(Field field, DateTime? value)
        {
            if (!value.HasValue) { Check(NativeMethods.onshi_document_clear(H, (uint)field)); return; }
            OnshiDateTime t = Values.FromDateTime(value.Value);
            Check(NativeMethods.onshi_document_set_datetime(H, (uint)field, ref t));
        }

        /// <summary>An integer or enumeration field; null when absent.</summary>
        public uint? GetUInt32(Field field)
        {
            uint v;
            return OptionalU32(NativeMethods.onshi_document_get_u32(H, (uint)field, out v), v);
        }

        /// <summary>Sets an integer field (null clears it).</summary>
        public void SetUInt32(Field field, uint? value)
        {
            if (!value.HasValue) { Check(NativeMethods.onshi_document_clear(H, (uint)field)); return; }
            Check(NativeMethods.onshi_document_set_u32(H, (uint)field, value.Value));
        }

        /// <summary>The number of items of a list (0 when the message type has none).</summary>
        public int Count(ListKind list)
        {
            UIntPtr n;
            return CountOf(NativeMethods.onshi_document_count(H, (uint)list, out n), n);
        }

        /// <summary>Appends an empty search block to a request.</summary>
        public DocumentQuery AddQuery()
        {
            UIntPtr i;
            Check(NativeMethods.onshi_document_item_add(H, (uint)ListKind.DocumentQueries, out i));
            return new DocumentQuery(this, (int)i.ToUInt32());
        }

        /// <summary>The search blocks of a request.</summary>
        public IList<DocumentQuery> Queries
        {
            get
            {
                var items = new List<DocumentQuery>();
                int n = Count(ListKind.DocumentQueries);
                for (int i = 0; i < n; i++) items.Add(new DocumentQuery(this, i));
                return items;
            }
        }

        /// <summary>The units of a bulk answer.</summary>
        public IList<DocumentUnit> Units
        {
            get
            {
                var items = new List<DocumentUnit>();
                int n = Count(ListKind.DocumentUnits);
                for (int i = 0; i < n; i++) items.Add(new DocumentUnit(this, i));
                return items;
            }
        }

        /// <summary>
        /// What reading the file tolerated instead of refusing it, in document order: a value
        /// kept as received (its <see cref="DocumentWarning.Value"/>; personal data possibly) or
        /// a list read in its flat form. Empty for a clean file and a document built in memory.
        /// </summary>
        public IList<DocumentWarning> Warnings
        {
            get
            {
                var items = new List<DocumentWarning>();
                int n = Count(ListKind.DocumentWarnings);
                for (int i = 0; i < n; i++) items.Add(new DocumentWarning(this, i));
                return items;
            }
        }

        /// <summary>
        /// The per-person results of a 照会番号 registration answer, in either form (direct, or
        /// <c>BulkRegistrationUnit</c>), in document order; empty for other messages.
        /// </summary>
        public IList<DocumentRegistration> Registrations
        {
            get
            {
                var items = new List<DocumentRegistration>();
                int n = Count(ListKind.DocumentRegistrations);
                for (int i = 0; i < n; i++) items.Add(new DocumentRegistration(this, i));
                return items;
            }
        }

        /// <summary>A copy of record <paramref name="index"/> of a 資格確認結果 (dispose it).</summary>
        public Qualification ResultAt(int index)
        {
            QualificationHandle h;
            uint s = NativeMethods.onshi_document_result_at(H, Values.Index(index), out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Check(s);
            return new Qualification(h);
        }

        /// <summary>A copy of record <paramref name="index"/> of bulk unit <paramref name="unit"/> (dispose it).</summary>
        public Qualification UnitResultAt(int unit, int index)
        {
            QualificationHandle h;
            uint s = NativeMethods.onshi_document_unit_result_at(H, Values.Index(unit), Values.Index(index), out h);
            if (s != (uint)Status.Ok) h.Dispose();
            Check(s);
            return new Qualification(h);
        }

        internal string GetItemText(ListKind list, int index, Field field)
        {
            UIntPtr i = Values.Index(index);
            return OptionalText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_document_item_get_text(H, (uint)list, i, (uint)field, b, c, out n));
        }

        internal void SetItemText(ListKind list, int index, Field field, string value)
        {
            if (value == null) { Check(NativeMethods.onshi_document_item_clear(H, (uint)list, Values.Index(index), (uint)field)); return; }
            byte[] v = Native.Bytes(value);
            Check(NativeMethods.onshi_document_item_set_text(H, (uint)list, Values.Index(index), (uint)field, v, Native.Len(v)));
        }

        internal DateTime? GetItemDate(ListKind list, int index, Field field)
        {
            OnshiDate d;
            return OptionalDate(NativeMethods.onshi_document_item_get_date(H, (uint)list, Values.Index(index), (uint)field, out d), d);
        }

        internal void SetItemDate(ListKind list, int index, Field field, DateTime? value)
        {
            if (!value.HasValue) { Check(NativeMethods.onshi_document_item_clear(H, (uint)list, Values.Index(index), (uint)field)); return; }
            OnshiDate d = Values.FromDate(value.Value);
            Check(NativeMethods.onshi_document_item_set_date(H, (uint)list, Values.Index(index), (uint)field, ref d));
        }

        internal uint? GetItemUInt32(ListKind list, int index, Field field)
        {
            uint v;
            return OptionalU32(NativeMethods.onshi_document_item_get_u32(H, (uint)list, Values.Index(index), (uint)field, out v), v);
        }

        /// <summary>What a file name says (family, phase, direction, extension, face).</summary>
        public static OnshiFileNameInfo ParseFileName(string name)
        {
            byte[] b = Native.Bytes(name);
            using (ErrorHandle err = Native.NewError())
            {
                OnshiFileNameInfo info;
                Native.Check(NativeMethods.onshi_file_name_parse(err, b, Native.Len(b), out info), err);
                return info;
            }
        }

        /// <summary>The answer's name for a request file name.</summary>
        public static string ResponseName(string requestName)
        {
            byte[] r = Native.Bytes(requestName);
            using (ErrorHandle err = Native.NewError())
            {
                string text;
                uint s = Native.ReadText((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_file_name_response_name(err, r, Native.Len(r), b, c, out n), out text);
                Native.Check(s, err);
                return text;
            }
        }
    }

    /// <summary>One search block of a request (<see cref="Document.Queries"/>).</summary>
    public sealed partial class DocumentQuery
    {
        private readonly Document owner;
        private readonly int index;

        internal DocumentQuery(Document owner, int index) { this.owner = owner; this.index = index; }
    }

    /// <summary>One warning of a parsed document (<see cref="Document.Warnings"/>); read-only.</summary>
    public sealed partial class DocumentWarning
    {
        private readonly Document owner;
        private readonly int index;

        internal DocumentWarning(Document owner, int index) { this.owner = owner; this.index = index; }
    }

    /// <summary>One person's result of a 照会番号 registration answer (<see cref="Document.Registrations"/>); read-only.</summary>
    public sealed partial class DocumentRegistration
    {
        private readonly Document owner;
        private readonly int index;

        internal DocumentRegistration(Document owner, int index) { this.owner = owner; this.index = index; }
    }

    /// <summary>One unit (person) of a bulk answer (<see cref="Document.Units"/>).</summary>
    public sealed partial class DocumentUnit
    {
        private readonly Document owner;
        private readonly int index;

        internal DocumentUnit(Document owner, int index) { this.owner = owner; this.index = index; }

        /// <summary>A copy of record <paramref name="i"/> of this unit.</summary>
        public Qualification ResultAt(int i) { return owner.UnitResultAt(index, i); }
    }

    /// <summary>Reviews of documents against a history.</summary>
    public sealed partial class History
    {
        /// <summary>
        /// Reviews the answer of a 資格確認結果 document (or unit <paramref name="unit"/> of a bulk
        /// answer) against <see cref="Current"/>, for <see cref="Apply"/>.
        /// <paramref name="resultId"/> null uses the document's file name; the date and kind come
        /// from the document unless given. <paramref name="clinic"/> is the clinic's kind of care: a
        /// 医療扶助 医療券 whose 診療別 does not fit it gets a notice (null: not checked).
        /// </summary>
        public Diff Review(Document answer, int? unit = null, string resultId = null, DateTime? confirmationDate = null, QueryKind? kind = null, Onshi.ClinicKind? clinic = null)
        {
            uint ck = clinic.HasValue ? (uint)clinic.Value : 0;
            byte[] r = resultId == null ? null : Native.Bytes(resultId);
            UIntPtr u = unit.HasValue ? Values.Index(unit.Value) : new UIntPtr(UIntPtr.Size == 8 ? ulong.MaxValue : uint.MaxValue);
            uint k = kind.HasValue ? (uint)kind.Value : 0;
            DiffHandle h;
            uint s;
            if (confirmationDate.HasValue)
            {
                OnshiDate d = Values.FromDate(confirmationDate.Value);
                s = NativeMethods.onshi_history_review(H, answer.H, u, r, Native.Len(r), ref d, k, ck, out h);
            }
            else
            {
                s = NativeMethods.onshi_history_review_nodate(H, answer.H, u, r, Native.Len(r), IntPtr.Zero, k, ck, out h);
            }
            if (s != (uint)Status.Ok && h != null) h.Dispose();
            Check(s);
            return new Diff(h);
        }
    }

    /// <summary>Diffs against documents.</summary>
    public sealed partial class Diff
    {
        /// <summary>Compares a registered record with a 資格確認結果 (date and kind from the document unless given).</summary>
        public static Diff CompareDocument(Qualification registered, Document answer, DateTime? confirmationDate = null, QueryKind? kind = null)
        {
            using (ErrorHandle err = Native.NewError())
            {
                DiffHandle h;
                uint s;
                if (confirmationDate.HasValue)
                {
                    OnshiDate d = Values.FromDate(confirmationDate.Value);
                    s = NativeMethods.onshi_diff_compare_document(err, registered.H, answer.H, ref d, kind.HasValue ? (uint)kind.Value : 0, out h);
                }
                else
                {
                    s = NativeMethods.onshi_diff_compare_document_nodate(err, registered.H, answer.H, IntPtr.Zero, kind.HasValue ? (uint)kind.Value : 0, out h);
                }
                return new Diff(Values.Take(s, h, err));
            }
        }

        /// <summary>Compares a registered record with unit <paramref name="unit"/> of a bulk answer.</summary>
        public static Diff CompareUnit(Qualification registered, Document answer, int unit, DateTime? confirmationDate = null)
        {
            using (ErrorHandle err = Native.NewError())
            {
                DiffHandle h;
                uint s;
                if (confirmationDate.HasValue)
                {
                    OnshiDate d = Values.FromDate(confirmationDate.Value);
                    s = NativeMethods.onshi_diff_compare_unit(err, registered.H, answer.H, Values.Index(unit), ref d, 0, out h);
                }
                else
                {
                    s = NativeMethods.onshi_diff_compare_unit_nodate(err, registered.H, answer.H, Values.Index(unit), IntPtr.Zero, 0, out h);
                }
                return new Diff(Values.Take(s, h, err));
            }
        }
    }

    /// <summary>A submitted request: keep <see cref="ToJson"/> with the visit to wait for it later.</summary>
    public sealed class Ticket : NativeObject
    {
        private readonly TicketHandle handle;

        internal Ticket(TicketHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal TicketHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_ticket_last_error(handle, b, c, out n); }

        /// <summary>The ticket as JSON.</summary>
        public string ToJson()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_ticket_to_json(H, b, c, out n));
        }

        /// <summary>The request file's name in req/.</summary>
        public string RequestFile
        {
            get { return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_ticket_request_file(H, b, c, out n)); }
        }

        /// <summary>The answer file's name in res/: the result id to keep with the history.</summary>
        public string ResponseFile
        {
            get { return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_ticket_response_file(H, b, c, out n)); }
        }

        /// <summary>Reads a ticket from its JSON.</summary>
        public static Ticket FromJson(string json)
        {
            byte[] bytes = Native.Bytes(json);
            using (ErrorHandle err = Native.NewError())
            {
                TicketHandle h;
                uint s = NativeMethods.onshi_ticket_from_json(err, bytes, Native.Len(bytes), out h);
                return new Ticket(Values.Take(s, h, err));
            }
        }
    }

    /// <summary>
    /// A client of the 資格確認端末's shared folders (req/, res/, face/). Share one client between
    /// threads: its calls run concurrently, and each throws its own error. The blocking calls take
    /// a <see cref="CancellationToken"/> (cancelled: <see cref="OperationCanceledException"/>) and
    /// have Task-returning Async forms that run on a thread of their own. Disposing the client while
    /// other threads wait on it makes their calls throw <see cref="OnshiException"/> with
    /// <see cref="Status.TerminalCancelled"/>.
    /// </summary>
    public sealed class Client : NativeObject
    {
        private readonly ClientHandle handle;
        // Keeps the callback alive while native code may call it.
        private OnshiFaceCallback faceCallback;
        // Keeps the cipher callback alive while native code may call it.
        private OnshiCipherCallback cipherCallback;
        // Every cipher callback ever set, kept for the life of the client: a library thread
        // that took the previous one just before SetCipher replaced it may still call it.
        private readonly List<OnshiCipherCallback> cipherCallbacks = new List<OnshiCipherCallback>();
        // Cancelled by Dispose: the blocking calls in progress end, so the handle can be freed.
        private readonly CancellationTokenSource disposing = new CancellationTokenSource();

        private Client(ClientHandle h) { handle = h; }

        internal override void BeforeDispose()
        {
            try
            {
                disposing.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Disposed twice.
            }
        }

        private CallCancel Cancel(CancellationToken cancellationToken)
        {
            return new CallCancel(cancellationToken, disposing.Token);
        }

        internal override SafeHandle Raw { get { return handle; } }

        internal ClientHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_client_last_error(handle, b, c, out n); }

        private static uint Ms(int timeoutMs) { return (uint)Math.Max(0, timeoutMs); }

        private static Task<T> Run<T>(Func<T> call, CancellationToken cancellationToken)
        {
            return Task.Factory.StartNew(call, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        /// <summary>Opens a client over <paramref name="root"/> (optionsJson: {"medical_institution_code": …} or null).</summary>
        public static Client Open(string root, string optionsJson = null)
        {
            byte[] r = Native.Bytes(root);
            byte[] o = Native.Bytes(optionsJson);
            using (ErrorHandle err = Native.NewError())
            {
                ClientHandle h;
                uint s = NativeMethods.onshi_client_open(err, r, Native.Len(r), o, Native.Len(o), out h);
                return new Client(Values.Take(s, h, err));
            }
        }

        /// <summary>Writes a request into req/ and gives its ticket (family 0: from the message).</summary>
        public Ticket Submit(Document request, Family family = 0)
        {
            using (ErrorHandle err = Native.NewError())
            {
                TicketHandle h;
                uint s = NativeMethods.onshi_client_submit(H, err, request.H, (uint)family, out h);
                return new Ticket(Values.Take(s, h, err));
            }
        }

        /// <summary>Waits for the answer of a ticket (TerminalNotAnswering after the timeout: its
        /// StaffMessage says what to check). Its file name is <c>GetText(Field.DocumentFileName)</c>.</summary>
        public Document Wait(Ticket ticket, int timeoutMs, CancellationToken cancellationToken = default(CancellationToken))
        {
            using (ErrorHandle err = Native.NewError())
            using (CallCancel cancel = Cancel(cancellationToken))
            {
                DocumentHandle h;
                uint s = NativeMethods.onshi_client_wait(H, err, ticket.H, Ms(timeoutMs), cancel.Handle, out h);
                return new Document(cancel.Take(s, h, err));
            }
        }

        /// <summary><see cref="Wait"/> on a thread of its own.</summary>
        public Task<Document> WaitAsync(Ticket ticket, int timeoutMs, CancellationToken cancellationToken = default(CancellationToken))
        {
            return Run(() => Wait(ticket, timeoutMs, cancellationToken), cancellationToken);
        }

        /// <summary>Submits a request and waits for its answer.</summary>
        public Document Query(Document request, int timeoutMs, Family family = 0, CancellationToken cancellationToken = default(CancellationToken))
        {
            using (ErrorHandle err = Native.NewError())
            using (CallCancel cancel = Cancel(cancellationToken))
            {
                DocumentHandle h;
                uint s = NativeMethods.onshi_client_query(H, err, request.H, (uint)family, Ms(timeoutMs), cancel.Handle, out h);
                return new Document(cancel.Take(s, h, err));
            }
        }

        /// <summary><see cref="Query"/> on a thread of its own.</summary>
        public Task<Document> QueryAsync(Document request, int timeoutMs, Family family = 0, CancellationToken cancellationToken = default(CancellationToken))
        {
            return Run(() => Query(request, timeoutMs, family, cancellationToken), cancellationToken);
        }

        /// <summary>
        /// 薬剤情報 / 特定健診情報 of <paramref name="patient"/> (a result of the last 資格確認)
        /// when its consent is valid at <paramref name="now"/> (terminal local time): the XML
        /// document. Otherwise throws OnshiException with Status.TerminalNotConsented (its
        /// StaffMessage is 「情報の提供は同意されていません」 and what staff can do) and nothing is
        /// written. <paramref name="requestJson"/> null for the defaults (XML, ordinary care) or
        /// JSON overrides of the request ("start_month", "end_month" …).
        /// </summary>
        public Document GetDocument(DocumentKind kind, Qualification patient, DateTime now, int timeoutMs, string requestJson = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            byte[] j = Native.Bytes(requestJson);
            OnshiDateTime t = Values.FromDateTime(now);
            using (ErrorHandle err = Native.NewError())
            using (CallCancel cancel = Cancel(cancellationToken))
            {
                DocumentHandle h;
                uint s = NativeMethods.onshi_client_document(H, err, (uint)kind, patient.H, j, Native.Len(j), ref t, Ms(timeoutMs), cancel.Handle, out h);
                return new Document(cancel.Take(s, h, err));
            }
        }

        /// <summary><see cref="GetDocument"/> on a thread of its own.</summary>
        public Task<Document> GetDocumentAsync(DocumentKind kind, Qualification patient, DateTime now, int timeoutMs, string requestJson = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return Run(() => GetDocument(kind, patient, now, timeoutMs, requestJson, cancellationToken), cancellationToken);
        }

        /// <summary>
        /// The next face result within <paramref name="timeoutMs"/>, or null. It is claimed, not
        /// consumed: call <see cref="AckFace(Document)"/> once the EMR has processed it (else it
        /// comes again, after a restart at the latest), or <see cref="ReleaseFace"/> to have it
        /// again now.
        /// </summary>
        public Document NextFace(int timeoutMs, CancellationToken cancellationToken = default(CancellationToken))
        {
            using (ErrorHandle err = Native.NewError())
            using (CallCancel cancel = Cancel(cancellationToken))
            {
                DocumentHandle h;
                uint s = NativeMethods.onshi_client_next_face(H, err, Ms(timeoutMs), cancel.Handle, out h);
                if (s == (uint)Status.NotPresent)
                {
                    h.Dispose();
                    return null;
                }
                return new Document(cancel.Take(s, h, err));
            }
        }

        /// <summary><see cref="NextFace"/> on a thread of its own (null when none came in time).</summary>
        public Task<Document> NextFaceAsync(int timeoutMs, CancellationToken cancellationToken = default(CancellationToken))
        {
            return Run(() => NextFace(timeoutMs, cancellationToken), cancellationToken);
        }

        /// <summary>Acknowledges a face result by its file name (the idempotency key): never delivered again.</summary>
        public void AckFace(string fileName)
        {
            byte[] f = Native.Bytes(fileName);
            using (ErrorHandle err = Native.NewError())
            {
                Native.Check(NativeMethods.onshi_client_ack_face(H, err, f, Native.Len(f)), err);
            }
        }

        /// <summary>Acknowledges a face result <see cref="NextFace"/> gave.</summary>
        public void AckFace(Document face)
        {
            AckFace(face.FileName);
        }

        /// <summary>Gives a face result <see cref="NextFace"/> gave back: it is delivered again at once.</summary>
        public void ReleaseFace(Document face)
        {
            byte[] f = Native.Bytes(face.FileName);
            using (ErrorHandle err = Native.NewError())
            {
                Native.Check(NativeMethods.onshi_client_release_face(H, err, f, Native.Len(f)), err);
            }
        }

        /// <summary>
        /// Delivers face results to <paramref name="handler"/> on a library thread (the document
        /// is a copy the handler owns; on an unreadable file or a folder fault it gets null and
        /// the exception). A result is acknowledged when the handler returns and given back (to
        /// come again) when it throws. The handler may call StopFace or Dispose this client
        /// (delivery ends when it returns); the blocking calls of this client throw
        /// Status.InCallback inside it.
        /// </summary>
        public void OnFace(Action<Document, OnshiException> handler)
        {
            if (handler == null) throw new ArgumentNullException("handler");
            OnFace((doc, error) => { handler(doc, error); return FaceAck.Ack; });
        }

        /// <summary>
        /// Like <see cref="OnFace(Action{Document, OnshiException})"/>; the handler says what to
        /// do with each result: Ack, Release (again shortly) or Keep (acknowledged later with
        /// <see cref="AckFace(string)"/>). A handler that throws releases it.
        /// </summary>
        public void OnFace(Func<Document, OnshiException, FaceAck> handler)
        {
            if (handler == null) throw new ArgumentNullException("handler");
            OnshiFaceCallback cb = (IntPtr userdata, IntPtr doc, uint status) =>
            {
                try
                {
                    if (doc != IntPtr.Zero) return (uint)handler(Document.CloneRaw(doc), null);
                    handler(null, new OnshiException((Status)status, Native.StatusMessage(status)));
                    return (uint)FaceAck.Ack;
                }
                catch (Exception)
                {
                    // Nothing may unwind into native code; the result comes again.
                    return (uint)FaceAck.Release;
                }
            };
            Check(NativeMethods.onshi_client_on_face(H, cb, IntPtr.Zero));
            faceCallback = cb;
        }

        /// <summary>Whether face results are being delivered to a handler.</summary>
        public bool DeliveringFaces { get { return faceCallback != null; } }

        /// <summary>Stops face delivery by callback (waits for a callback in progress, unless
        /// called from it).</summary>
        public void StopFace()
        {
            Check(NativeMethods.onshi_client_stop_face(H));
            faceCallback = null;
        }

        /// <summary>Runs the bulk two-phase flow and gives the download result.</summary>
        public Document Bulk(Family family, Document upload, OnshiBulkOptions? options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            using (ErrorHandle err = Native.NewError())
            using (CallCancel cancel = Cancel(cancellationToken))
            {
                DocumentHandle h;
                uint s;
                if (options.HasValue)
                {
                    OnshiBulkOptions o = options.Value;
                    s = NativeMethods.onshi_client_bulk(H, err, (uint)family, upload.H, ref o, cancel.Handle, out h);
                }
                else
                {
                    s = NativeMethods.onshi_client_bulk_default(H, err, (uint)family, upload.H, IntPtr.Zero, cancel.Handle, out h);
                }
                return new Document(cancel.Take(s, h, err));
            }
        }

        /// <summary><see cref="Bulk"/> on a thread of its own.</summary>
        public Task<Document> BulkAsync(Family family, Document upload, OnshiBulkOptions? options = null, CancellationToken cancellationToken = default(CancellationToken))
        {
            return Run(() => Bulk(family, upload, options, cancellationToken), cancellationToken);
        }

        /// <summary>
        /// Sets the vendor's decryption / encryption module for a terminal that encrypts its files
        /// (encrypt.conf): <paramref name="cipher"/> gets the stage, the file name and its bytes and
        /// returns the result (for Encrypt, the bytes to write: the input itself for a prefix it
        /// leaves plain). It runs on library threads, possibly several at once; an exception it
        /// throws becomes Status.TerminalHookFailed for that file. null removes it: a file that is
        /// not XML is then Status.TerminalEncrypted.
        /// </summary>
        public void SetCipher(Func<CipherStage, string, byte[], byte[]> cipher)
        {
            if (cipher == null)
            {
                Check(NativeMethods.onshi_client_set_cipher(H, null, IntPtr.Zero));
                cipherCallback = null;
                return;
            }
            OnshiCipherCallback cb = (IntPtr userdata, uint stage, IntPtr name, UIntPtr nameLen, IntPtr input, UIntPtr inputLen, IntPtr output) =>
            {
                try
                {
                    byte[] n = new byte[(int)nameLen];
                    if (n.Length > 0) Marshal.Copy(name, n, 0, n.Length);
                    byte[] i = new byte[(int)inputLen];
                    if (i.Length > 0) Marshal.Copy(input, i, 0, i.Length);
                    byte[] result = cipher((CipherStage)stage, System.Text.Encoding.UTF8.GetString(n), i);
                    if (result == null) return (uint)Status.TerminalHookFailed;
                    return NativeMethods.onshi_cipher_output_write(output, result, (UIntPtr)result.Length);
                }
                catch (Exception)
                {
                    // Nothing may unwind into native code.
                    return (uint)Status.TerminalHookFailed;
                }
            };
            lock (cipherCallbacks) cipherCallbacks.Add(cb);
            Check(NativeMethods.onshi_client_set_cipher(H, cb, IntPtr.Zero));
            cipherCallback = cb;
        }

        /// <summary>Whether a cipher is set.</summary>
        public bool HasCipher { get { return cipherCallback != null; } }

        /// <summary>
        /// The files of face/ that are not face results, found since the last call, as a JSON array
        /// of {"name", "family", "message_ja"}: each is reported once while it stays.
        /// </summary>
        public string SkippedFaces()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_client_skipped_faces(H, b, c, out n));
        }

        /// <summary>The connection check as JSON.</summary>
        public string Doctor()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_client_doctor(H, b, c, out n));
        }

        /// <summary>The connection check as a text for staff (Japanese).</summary>
        public string DoctorText()
        {
            return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_client_doctor_text(H, b, c, out n));
        }

        /// <summary>
        /// Records a reception visit in the journal (.onshi/visits/): the day, the EMR's patient id
        /// (never a name or an insurance number), what the patient presented and the terminal
        /// result it confirmed (answer or face file name; null when none). The same visit again
        /// replaces it. <see cref="UsageReport"/> counts them.
        /// </summary>
        public void RecordVisit(DateTime date, string patientId, Presentation presentation, string resultId = null)
        {
            OnshiDate d = new OnshiDate { Year = date.Year, Month = (uint)date.Month, Day = (uint)date.Day };
            byte[] p = patientId == null ? null : Native.Bytes(patientId);
            byte[] r = resultId == null ? null : Native.Bytes(resultId);
            using (ErrorHandle err = Native.NewError())
            {
                Native.Check(NativeMethods.onshi_client_record_visit(H, err, ref d,
                    p, p == null ? UIntPtr.Zero : Native.Len(p), (uint)presentation,
                    r, r == null ? UIntPtr.Zero : Native.Len(r)), err);
            }
        }

        /// <summary>
        /// The month's マイナ保険証 利用率 report from the visits in the journal, counted per
        /// patient-month (JSON, CSV with a BOM, or a Japanese text for staff).
        /// </summary>
        public string UsageReport(int year, int month, ReportFormat format = ReportFormat.Json)
        {
            using (ErrorHandle err = Native.NewError())
            {
                string text;
                uint s = Native.ReadText((byte[] b, UIntPtr c, out UIntPtr n) =>
                    NativeMethods.onshi_client_usage_report(H, err, year, (uint)month, (uint)format, b, c, out n), out text);
                Native.Check(s, err);
                return text;
            }
        }
    }

    /// <summary>The terminal emulator, for tests: answers req/ from a dataset, pushes face results.</summary>
    public sealed class Emulator : NativeObject
    {
        private readonly EmulatorHandle handle;

        private Emulator(EmulatorHandle h) { handle = h; }

        internal override SafeHandle Raw { get { return handle; } }

        internal EmulatorHandle H { get { Alive(); return handle; } }

        internal override uint LastErrorCall(byte[] b, UIntPtr c, out UIntPtr n) { return NativeMethods.onshi_emulator_last_error(handle, b, c, out n); }

        /// <summary>Starts over <paramref name="root"/> with the bundled demo dataset (datasetJson null) or a JSON dataset.</summary>
        public static Emulator Start(string root, string datasetJson = null, int delayMs = 0, FileEncoding encoding = FileEncoding.Utf8)
        {
            byte[] r = Native.Bytes(root);
            byte[] d = Native.Bytes(datasetJson);
            using (ErrorHandle err = Native.NewError())
            {
                EmulatorHandle h;
                uint s = NativeMethods.onshi_emulator_start(err, r, Native.Len(r), d, Native.Len(d), (uint)Math.Max(0, delayMs), (uint)encoding, out h);
                return new Emulator(Values.Take(s, h, err));
            }
        }

        /// <summary>
        /// Starts with options as JSON (see onshi_emulator_start_with_options: "zip_bulk",
        /// "err_subfolder", "bulk_segment", "face_names", "encrypt_command" …).
        /// </summary>
        public static Emulator StartWithOptions(string root, string datasetJson, string optionsJson)
        {
            byte[] r = Native.Bytes(root);
            byte[] d = Native.Bytes(datasetJson);
            byte[] o = Native.Bytes(optionsJson);
            using (ErrorHandle err = Native.NewError())
            {
                EmulatorHandle h;
                uint s = NativeMethods.onshi_emulator_start_with_options(err, r, Native.Len(r), d, Native.Len(d), o, Native.Len(o), out h);
                return new Emulator(Values.Take(s, h, err));
            }
        }

        /// <summary>Pushes the face result of dataset person <paramref name="personId"/> ("P01" …).</summary>
        public void PushFace(string personId)
        {
            byte[] p = Native.Bytes(personId);
            Check(NativeMethods.onshi_emulator_push_face(H, p, Native.Len(p)));
        }

        /// <summary>Normal, down or silent.</summary>
        public Behaviour Behaviour
        {
            set { Check(NativeMethods.onshi_emulator_set_behaviour(H, (uint)value)); }
        }

        /// <summary>What the emulator did so far.</summary>
        public OnshiEmulatorStats Stats
        {
            get
            {
                OnshiEmulatorStats s;
                Check(NativeMethods.onshi_emulator_get_stats(H, out s));
                return s;
            }
        }

        /// <summary>Stops answering (Dispose also stops); later calls throw Status.TerminalEmulatorStopped.</summary>
        public void Stop() { Check(NativeMethods.onshi_emulator_stop(H)); }

        /// <summary>The dataset's persons as JSON: id, label, whether PushFace works for them, and
        /// the cards to query them by.</summary>
        public string PersonsJson
        {
            get { return Text((byte[] b, UIntPtr c, out UIntPtr n) => NativeMethods.onshi_emulator_persons_json(H, b, c, out n)); }
        }
    }
}
