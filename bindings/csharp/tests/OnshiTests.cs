// C# test of the onshi binding, compiled with Mono's mcs against Onshi.dll and run with mono
// against the native libonshi.so (bindings/run-tests.sh). Prints "N passed, M failed"; the
// exit code is the number of failures (0 = success).
using System;
using System.Text;
using Onshi;

internal static class OnshiTests
{
    private static int passed, failed;

    private static void Check(bool cond, string what)
    {
        if (cond) { passed++; return; }
        failed++;
        Console.Error.WriteLine("FAILED: " + what);
    }

    private static string Throws(Status status, Action action, string what)
    {
        try
        {
            action();
        }
        catch (OnshiException e)
        {
            Check(e.Status == status, what + ": status " + e.Status + " (want " + status + "): " + e.Message);
            return e.Message;
        }
        Check(false, what + ": no exception");
        return "";
    }

    private static void Version()
    {
        Check(Library.Version == Library.HeaderVersionString, "library version equals the header's");
        Check(Library.StatusName((uint)Status.NullParameter) == "ONSHI_NULL_PARAMETER", "status name");
        Check(Library.StatusName(4242) == null, "unassigned status has no name");
        Check(Library.StatusMessage(299).Contains("XML"), "family message");
    }

    private static void IdsAndCodes()
    {
        Ids.VerifyCheckDigit("33120015");
        string m = Throws(Status.IdCheckDigit, () => Ids.VerifyCheckDigit("33120016"), "bad check digit");
        Check(m.Contains("expected 5"), "message names the expected digit: " + m);
        Check(Ids.ComputeCheckDigit("13805") == 7, "compute");
        Check(Ids.Normalize(IdKind.InsurerNumber, "  １３８０５７") == "138057", "normalize full-width");
        Check(Ids.Normalize(IdKind.InsurerNumber, "138058", Mode.Lenient) == "138058", "lenient");
        Throws(Status.IdEmpty, () => Ids.Normalize(IdKind.InsurerNumber, ""), "empty");
        Throws(Status.IdEmpty, () => Ids.Normalize(IdKind.InsurerNumber, null), "null string is empty");
        Throws(Status.InvalidArgument, () => Ids.Normalize((IdKind)99, "1"), "unknown kind");
        Check(Ids.InsurerNumberToWire("138057") == "  138057", "wire form");
        Check(Ids.InsurerNumberFlags("138057") == InsurerFlags.NationalHealthInsurance, "flags");

        Check(Codes.Label(CodeTable.QualificationValidity, "4") == "該当資格なし", "label");
        Check(Codes.Label(CodeTable.Sex, "9") == "不明なコード", "unknown label");
        Check(!Codes.IsKnown(CodeTable.Sex, "9"), "unknown");
        Check(Codes.Values(CodeTable.InsuredCardClassification).Count == 8, "8 card classes");
        Check(Codes.Values(CodeTable.InsuredCardClassification)[7] == "A1", "A1 last");
        Check(Codes.TableName(CodeTable.ConsentFlag) == "OQSCD016", "table name");
        Throws(Status.InvalidArgument, () => Codes.Values((CodeTable)0), "unknown table");
    }

    private static void Record()
    {
        using (var q = new Qualification())
        {
            Check(q.Name == null, "absent is null");
            q.Name = "見本　花子";
            q.NameKana = "ﾐﾎﾝ ﾊﾅｺ";
            q.InsurerNumber = "06132013";
            q.InsuredCardSymbol = "１２－３４";
            q.InsuredIdentificationNumber = "100";
            q.InsuredBranchNumber = "1";
            q.Sex1 = "2";
            q.Birthdate = new DateTime(1980, 1, 31);
            q.QualificationDate = new DateTime(2024, 4, 1);
            q.LimitConsentTime = new DateTime(2024, 4, 1, 9, 30, 5);
            q.InsuredPartialContributionRatio = 30;
            Check(q.Name == "見本　花子", "name round trip");
            Check(q.InsuredCardSymbol == "12-34", "symbol normalized");
            Check(q.InsuredBranchNumber == "01", "branch padded");
            Check(q.Birthdate == new DateTime(1980, 1, 31), "birthdate");
            Check(q.GetText(Field.Birthdate) == "1980-01-31", "date as text");
            Check(q.LimitConsentTime == new DateTime(2024, 4, 1, 9, 30, 5), "date-time");
            Check(q.InsuredPartialContributionRatio == 30, "ratio");
            Check(q.GetLabel(Field.Sex1) == "女", "label of a code field");
            q.Sex1 = null;
            Check(q.Sex1 == null, "null clears");

            string m = Throws(Status.IdLength, () => { q.InsurerNumber = "1234"; }, "bad insurer number");
            Check(m.Contains("保険者番号"), "message in the exception: " + m);
            Check(q.LastError == m, "last error kept on the handle");
            Check(q.InsurerNumber == "06132013", "failed set leaves the value");
            Throws(Status.InvalidValue, () => q.SetText(Field.QualificationDate, "2023-02-29"), "no such day");
            Throws(Status.InvalidValue, () => { q.InsuredPartialContributionRatio = 101; }, "ratio over 100");
            Throws(Status.TypeMismatch, () => q.GetDate(Field.Name), "date getter on text");
            Throws(Status.InvalidArgument, () => q.GetText((Field)9999), "unknown field");
            Throws(Status.TypeMismatch, () => q.GetText(Field.SpecificDiseaseCategory), "item field on the record");
            try
            {
                q.Name = "\uD800";
                Check(false, "lone surrogate accepted");
            }
            catch (ArgumentException)
            {
                passed++;
            }

            // Lists.
            int i = q.AddItem(ListKind.SpecificDiseases);
            q.SetItemText(ListKind.SpecificDiseases, i, Field.SpecificDiseaseCategory, "1");
            q.SetItemUInt32(ListKind.SpecificDiseases, i, Field.SpecificDiseaseSelfPay, 10000);
            q.SetItemDate(ListKind.SpecificDiseases, i, Field.SpecificDiseaseValidEndDate, new DateTime(2025, 3, 31));
            Check(q.Count(ListKind.SpecificDiseases) == 1, "one disease");
            Check(q.GetItemUInt32(ListKind.SpecificDiseases, 0, Field.SpecificDiseaseSelfPay) == 10000, "self pay");
            Check(q.GetItemDate(ListKind.SpecificDiseases, 0, Field.SpecificDiseaseValidEndDate) == new DateTime(2025, 3, 31), "item date");
            Check(q.GetItemText(ListKind.SpecificDiseases, 0, Field.SpecificDiseaseCertificateDate) == null, "absent item field");
            Throws(Status.OutOfRange, () => q.GetItemText(ListKind.SpecificDiseases, 1, Field.SpecificDiseaseCategory), "index past the end");
            Throws(Status.OutOfRange, () => q.GetItemText(ListKind.SpecificDiseases, -1, Field.SpecificDiseaseCategory), "negative index");
            Throws(Status.TypeMismatch, () => q.SetItemText(ListKind.SpecificDiseases, 0, Field.ConsentFlag, "1"), "field of another list");
            int t = q.AddItem(ListKind.MedicalTickets);
            q.SetItemText(ListKind.MedicalTickets, t, Field.MedicalTicketInjuryName1, "感冒");
            Check(q.GetItemText(ListKind.MedicalTickets, t, Field.MedicalTicketInjuryName1) == "感冒", "ticket injury name");
            Check(q.Count(ListKind.Consents) == 10, "ten consents");
            Check(q.GetItemText(ListKind.Consents, 1, Field.ConsentKind) == "PharmacistsInfo", "consent kind");
            q.SetItemText(ListKind.Consents, 1, Field.ConsentFlag, "1");
            q.SetItemDateTime(ListKind.Consents, 1, Field.ConsentAvailableTime, new DateTime(2024, 4, 2, 12, 0, 0));
            Check(q.ConsentValidAt(1, new DateTime(2024, 4, 2, 11, 0, 0)), "consent valid");
            Check(!q.ConsentValidAt(1, new DateTime(2024, 4, 3, 0, 0, 0)), "consent expired");
            Throws(Status.ReadOnly, () => q.AddItem(ListKind.Consents), "consents are fixed");
            Throws(Status.ReadOnly, () => q.SetItemText(ListKind.Consents, 0, Field.ConsentKind, "x"), "kind is read-only");

            // Facts.
            Check(!q.IsPublicAssistance, "not 医療扶助");
            Check(q.ConfirmableByCardNumber && q.CardNumberReason == null, "confirmable");
            using (var pa = new Qualification())
            {
                pa.InsuredCardClassification = "A1";
                Check(pa.IsPublicAssistance, "A1 is 医療扶助");
                Check(pa.CardNumberReason.Contains("マイナンバーカード"), "reason for staff");
            }

            // JSON, clone, equality.
            string json = q.ToJson();
            Check(json.Contains("\"insurer_number\":\"06132013\""), "json");
            using (var r = Qualification.FromJson(json))
            using (var c = r.Clone())
            {
                Check(r.SameAs(q), "json round trip");
                c.Name = "別人";
                Check(!c.SameAs(r) && r.Name == "見本　花子", "clone is independent");
            }
            m = Throws(Status.Json, () => Qualification.FromJson("{\"birthdate\":\"1980-13-01\"}"), "bad json");
            Check(m.Contains("JSON"), "json message");
            using (var big = new Qualification())
            {
                string address = new string('丁', 3000);
                big.Address = address;
                Check(big.Address == address, "text bigger than the first buffer");
            }
        }
    }

    private static void Misuse()
    {
        var q = new Qualification();
        q.Dispose();
        q.Dispose();
        try
        {
            var unused = q.Name;
            Check(false, "use after Dispose");
        }
        catch (ObjectDisposedException)
        {
            passed++;
        }

        // Straight through the P/Invoke layer: bytes that are not UTF-8, and a handle of the
        // wrong type, come back as statuses.
        using (var ok = new Qualification())
        {
            var field = (uint)Field.Name;
            byte[] bad = { 0xe3, 0x81 };
            QualificationHandle h = typeof(Qualification).GetField("handle", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance).GetValue(ok) as QualificationHandle;
            Check(NativeMethods.onshi_qualification_set_text(h, field, bad, new UIntPtr(2)) == (uint)Status.InvalidUtf8, "invalid UTF-8");
            Check(NativeMethods.onshi_qualification_set_text(h, field, null, new UIntPtr(3)) == (uint)Status.NullParameter, "NULL with a length");
            Check(NativeMethods.onshi_qualification_set_text(h, field, null, UIntPtr.Zero) == (uint)Status.Ok, "(NULL, 0) is empty");
            Check(ok.Name == "", "empty name");
            UIntPtr n;
            Check(NativeMethods.onshi_qualification_get_text(h, field, null, new UIntPtr(5), out n) == (uint)Status.NullParameter, "NULL buffer with a capacity");
            using (ErrorHandle err = NativeMethods.onshi_error_new())
            {
                bool wrong = err.DangerousGetHandle() != IntPtr.Zero;
                Check(wrong, "error handle");
                byte[] buf = new byte[16];
                // An error object passed where a qualification is expected.
                var fake = typeof(QualificationHandle).GetConstructor(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, null, Type.EmptyTypes, null).Invoke(null) as QualificationHandle;
                typeof(SafeHandleAccess).GetMethod("Set").Invoke(null, new object[] { fake, err.DangerousGetHandle() });
                Check(NativeMethods.onshi_qualification_get_text(fake, field, buf, new UIntPtr(16), out n) == (uint)Status.InvalidHandle, "wrong handle type");
                fake.SetHandleAsInvalid();
            }
        }
    }

    private static int Main()
    {
        try
        {
            Version();
            IdsAndCodes();
            Record();
            Misuse();
        }
        catch (Exception e)
        {
            failed++;
            Console.Error.WriteLine("unexpected exception: " + e);
        }
        Console.WriteLine(passed + " passed, " + failed + " failed");
        return failed;
    }
}

/// <summary>Sets the raw value of a SafeHandle (test only: to forge a wrong-type handle).</summary>
public static class SafeHandleAccess
{
    public static void Set(System.Runtime.InteropServices.SafeHandle h, IntPtr value)
    {
        typeof(System.Runtime.InteropServices.SafeHandle)
            .GetField("handle", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)
            .SetValue(h, value);
    }
}
