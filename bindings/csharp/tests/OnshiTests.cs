// C# test of the onshi binding, compiled with Mono's mcs against Onshi.dll and run with mono
// against the native libonshi.so (bindings/run-tests.sh). Prints "N passed, M failed"; the
// exit code is the number of failures (0 = success).
using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
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
        OnshiException e = ThrowsException(status, action, what);
        return e == null ? "" : e.Message;
    }

    private static OnshiException ThrowsException(Status status, Action action, string what)
    {
        try
        {
            action();
        }
        catch (OnshiException e)
        {
            Check(e.Status == status, what + ": status " + e.Status + " (want " + status + "): " + e.Message);
            return e;
        }
        Check(false, what + ": no exception");
        return null;
    }

    private static void Version()
    {
        Check(Library.Version == Library.HeaderVersionString, "library version equals the header's");
        Check(Library.StatusName((uint)Status.NullParameter) == "ONSHI_NULL_PARAMETER", "status name");
        Check(Library.StatusName(4242) == null, "unassigned status has no name");
        Check(Library.StatusMessage(299).Contains("XML"), "family message");
        Check(Library.StatusMessageJa((uint)Status.IdCheckDigit).Contains("検証番号"), "status in Japanese");
    }

    private static void IdsAndCodes()
    {
        Ids.VerifyCheckDigit("33120015");
        string m = Throws(Status.IdCheckDigit, () => Ids.VerifyCheckDigit("33120016"), "bad check digit");
        Check(m.Contains("expected 5"), "message names the expected digit: " + m);
        Check(Ids.ComputeCheckDigit("13805") == 7, "compute");
        Throws(Status.IdEmpty, () => Ids.ComputeCheckDigit(""), "no check digit of nothing");
        Throws(Status.EmbeddedNul, () => Ids.VerifyCheckDigit("138057\u00009"), "a NUL inside text");
        // Two audiences: Japanese for staff, English for developers, as separate properties.
        OnshiException mic = ThrowsException(Status.IdCheckDigit, () => Ids.Normalize(IdKind.MedicalInstitutionCode, "0110113718"), "医療機関コード check digit");
        Check(mic != null && mic.StaffMessage.Contains("医療機関コードの検証番号"), "staff text: " + (mic == null ? "" : mic.StaffMessage));
        Check(mic != null && mic.Detail.Contains("expected 9") && !mic.Detail.Contains("確認してください"), "detail: " + (mic == null ? "" : mic.Detail));
        Check(Ids.Normalize(IdKind.MedicalInstitutionCode, "0110113719") == "0110113719", "valid 医療機関コード");
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
            Check(NativeMethods.onshi_qualification_get_text(h, field, null, new UIntPtr(5), out n) == (uint)Status.BufferTooSmall, "NULL buffer with a capacity is a size query");
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

    private const string Registered = "{\"insurer_number\":\"06139990\",\"insured_identification_number\":\"456\",\"insured_branch_number\":\"01\",\"name\":\"見本　太郎\",\"name_kana\":\"ﾐﾎﾝ ﾀﾛｳ\",\"birthdate\":\"1950-05-05\",\"address\":\"東京都千代田区千代田1-1\",\"insured_partial_contribution_ratio\":10}";

    private static readonly DateTime Now = new DateTime(2025, 4, 10, 9, 0, 0);

    private static void DiffAndHistory()
    {
        using (var reg = Qualification.FromJson(Registered))
        using (var ret = reg.Clone())
        {
            ret.Address = "東京都千代田区千代田２－２";
            ret.NameKana = "ﾐﾎﾝ　ﾀﾛｳ";
            using (var diff = Diff.Compare(reg, ret, new DateTime(2025, 4, 10), QueryKind.MyNumberCard))
            using (var history = History.New(reg, new DateTime(2020, 4, 1), "staff-1", Now))
            {
                Check(diff.Verdict == Verdict.UpdateRecommended, "verdict " + diff.Verdict);
                Check(diff.GetText(Field.DiffVerdict) == "update_recommended", "verdict id");
                Check(diff.VerdictLabel == "反映を推奨", "verdict label");
                Check(diff.ConfirmationDate == new DateTime(2025, 4, 10), "context date");
                Check(diff.Cause == null && diff.PossibleCauses.Count == 0, "confirmed");
                DiffFieldItem addr = diff.FieldOf(Field.Address);
                Check(addr != null && addr.Class == DiffClass.Different, "address differs");
                Check(addr.Action == DiffAction.Reflect && addr.Advice == Advice.AddressChanged, "address advice");
                Check(addr.Message.Contains("住所"), "Japanese message");
                Check(addr.Label == "住所" && addr.Id == "address", "label and id");
                Check(addr.Returned == "東京都千代田区千代田２－２" && addr.Registered == "東京都千代田区千代田1-1", "both values");
                Check(addr.Field == Field.Address, "the item's field is the record's own id");
                DiffFieldItem kana = diff.FieldOf(Field.NameKana);
                Check(kana.Class == DiffClass.Equivalent && (((ReasonFlags)kana.ReasonFlags.Value) & ReasonFlags.Space) != 0, "kana space: " + kana.Reasons);
                Check(diff.FieldOf(Field.Name).Class == DiffClass.Same, "name same");
                Check(diff.ToJson().Contains("\"verdict\":\"update_recommended\""), "diff json");
                Throws(Status.HistoryStaleReview, () => history.Apply(diff, null, StartDatePolicy.ConfirmationDate, "s", Now), "a diff outside the history cannot be applied");
                using (var review = history.ReviewRecord(ret, "OQSsiquc01res_0001.xml", new DateTime(2025, 4, 10), QueryKind.MyNumberCard))
                using (var back = Diff.FromJson(review.ToJson()))
                using (var older = history.ReviewRecord(ret, "other", new DateTime(2025, 4, 10), QueryKind.MyNumberCard))
                {
                    Check(back.Verdict == Verdict.UpdateRecommended && back.Returned() != null, "a review from json keeps its records");
                    int events = history.Apply(back, null, StartDatePolicy.FirstOfMonth, "staff-1", Now);
                    Check(events == 2, "updated + linked: " + events);
                    Check(history.Apply(review, null, StartDatePolicy.FirstOfMonth, "staff-1", Now) == 0, "idempotent");
                    string m = Throws(Status.HistoryStaleReview, () => history.Apply(older, null, StartDatePolicy.FirstOfMonth, "staff-1", Now), "stale review");
                    Check(m.Contains("review the answer again"), "stale message: " + m);
                }
                using (var cur = history.Current())
                {
                    Check(cur.Address == "東京都千代田区千代田２－２", "reflected");
                }
                Check(history.VersionCount == 1 && history.CurrentId == 1, "one version");
                HistoryVersion v = history.Versions[0];
                Check(v.LinkResultId == "OQSsiquc01res_0001.xml" && v.State == VersionState.Current, "linked");
                Check(v.Start == new DateTime(2020, 4, 1) && v.End == null, "period");
                Check(history.Audit.Count == 3 && history.Audit[1].Event == AuditEvent.Updated, "audit");
                Check(history.Audit[1].Fields == "address" && history.Audit[1].Actor == "staff-1", "audit fields");
                Check(history.IndexAt(new DateTime(2019, 1, 1)) == -1 && history.IndexAt(new DateTime(2025, 1, 1)) == 0, "at");

                history.Unlink(1, "staff-1", Now);
                Check(history.Versions[0].LinkResultId == null, "unlinked");
                Throws(Status.HistoryNotLinked, () => history.Unlink(1, "staff-1", Now), "not linked");
                Throws(Status.HistoryNoSuchVersion, () => history.Expire(9, new DateTime(2025, 1, 1), "s", Now), "no such version");
                using (var h2 = History.FromJson(history.ToJson()))
                {
                    Check(h2.ToJson() == history.ToJson(), "history json round trip");
                }
                Throws(Status.Json, () => History.FromJson("{"), "bad history json");
            }

            // A new qualification (ratio changed), a verify-identity diff, choices.
            using (var ret2 = reg.Clone())
            using (var history = History.New(reg, new DateTime(2020, 4, 1), "staff-1", Now))
            {
                ret2.InsuredPartialContributionRatio = 20;
                using (var diff = history.ReviewRecord(ret2, "r2", new DateTime(2025, 4, 10), QueryKind.MyNumberCard))
                {
                    Check(diff.Verdict == Verdict.NewQualification, "ratio: new qualification");
                    history.Apply(diff, null, StartDatePolicy.FirstOfMonth, "staff-1", Now);
                    Check(history.VersionCount == 2, "two versions");
                    Check(history.Versions[0].End == new DateTime(2025, 3, 31) && history.Versions[1].Start == new DateTime(2025, 4, 1), "closed and opened");
                    Check(history.Versions[0].State == VersionState.Superseded, "superseded");
                    using (var q = history.Versions[1].Qualification)
                    {
                        Check(q.InsuredPartialContributionRatio == 20, "new ratio");
                    }
                }
            }
            using (var other = reg.Clone())
            using (var history = History.New(reg, new DateTime(2020, 4, 1), "staff-1", Now))
            using (var choices = new Choices())
            {
                other.Name = "別人　次郎";
                using (var diff = history.ReviewRecord(other, "r3", new DateTime(2025, 4, 10), QueryKind.MyNumberCard))
                {
                    Check(diff.Verdict == Verdict.VerifyIdentity, "identity");
                    Throws(Status.HistoryIdentityNotVerified, () => history.Apply(diff, null, StartDatePolicy.ConfirmationDate, "s", Now), "needs verification");
                    choices.IdentityVerified = true;
                    choices.Keep(Field.Name);
                    Check(choices.ToJson() == "{\"fields\":{\"name\":\"keep\"},\"identity_verified\":true}", "choices json " + choices.ToJson());
                    history.Apply(diff, choices, StartDatePolicy.ConfirmationDate, "s", Now);
                    using (var cur = history.Current())
                    {
                        Check(cur.Name == "見本　太郎", "kept by choice");
                    }
                }
                Throws(Status.InvalidArgument, () => choices.Keep((Field)999), "unknown field");
                using (var c2 = Choices.FromJson("{\"fields\":{\"address\":\"reflect\"}}"))
                {
                    c2.StartDate = new DateTime(2025, 4, 1);
                    c2.StartDate = null;
                    Check(c2.ToJson() == "{\"fields\":{\"address\":\"reflect\"},\"identity_verified\":false}", "choices from json " + c2.ToJson());
                }
                Throws(Status.Json, () => Choices.FromJson("{\"fields\":{\"nope\":\"keep\"}}"), "unknown field id in json");
            }

            // Not confirmed: nothing to apply, guidance for staff.
            using (var none = new Qualification())
            using (var history = History.New(reg, new DateTime(2020, 4, 1), "s", Now))
            using (var diff = Diff.Compare(reg, none, new DateTime(2025, 4, 10), QueryKind.InsuranceCard))
            {
                Check(diff.Verdict != Verdict.NotConfirmed, "an empty record still compares");
            }
        }
    }

    private static void MatchingAndCard()
    {
        using (var patients = new Matching())
        using (var result = Qualification.FromJson(Registered))
        {
            Patient p = patients.Add("000123");
            p.Name = "見本　太郎";
            p.Kana = "ミホン　タロウ";
            p.Birthdate = new DateTime(1950, 5, 5);
            p.Sex = "1";
            patients.Add("000999").Name = "別人";
            Check(patients.Count == 2 && patients[0].Id == "000123", "patients");
            Throws(Status.OutOfRange, () => patients.RemoveAt(7), "remove past the end");
            using (var found = patients.Find(result))
            {
                Check(found.Count == 1, "one candidate");
                Candidate c = found[0];
                Check(c.PatientId == "000123" && c.Strength == Strength.Strong, "strong candidate " + c.Strength);
                Check((((MatchFlags)c.ReasonFlags.Value) & MatchFlags.Birthdate) != 0, "birthdate reason");
                Check(c.ReasonLabels.Contains("生年月日が一致"), "labels " + c.ReasonLabels);
            }
            using (var again = Matching.FromJson(patients.ToJson()))
            using (var found = again.Find(result))
            {
                Check(found.Count == 1 && found[0].PatientId == "000123", "json patients");
            }
            Check(Matching.NewPatientDraftJson(result).Contains("\"name_has_substitute\":false"), "draft");
            Throws(Status.Json, () => Matching.FromJson("{}"), "patients must be an array");
            Throws(Status.OutOfRange, () => { var unused = patients[5]; }, "patient index");

            using (var card = Card.OpenVirtual(null))
            {
                card.Recognise();
                Check(card.TriesLeft == 3, "3 tries");
                byte[] wrong = System.Text.Encoding.UTF8.GetBytes("0000");
                OnshiException pe = ThrowsException(Status.CardWrongPin, () => card.ReadBasicInfo(wrong, false), "wrong PIN");
                Check(pe != null && pe.StaffMessage.Contains("残り 2 回"), "tries in the staff text");
                Check(pe != null && pe.Detail.Contains("2 tries left"), "tries in the detail");
                Throws(Status.InvalidUtf8, () => card.ReadBasicInfo(new byte[] { 0x31, 0xff }, false), "a PIN that is not UTF-8");
                byte[] pin = System.Text.Encoding.UTF8.GetBytes("1234");
                using (BasicInfo info = card.ReadBasicInfo(pin, false))
                {
                    Array.Clear(pin, 0, pin.Length);
                    Check(info.Name == "検証　花子" && info.Sex == CardSex.Female && info.SexCode == "2", "basic info");
                    Check(info.Birthdate == new DateTime(1985, 4, 1), "birthdate");
                    Check(info.ToJson().Contains("検証　花子"), "json");
                    Check(info.NewPatientDraftJson().Contains("insurance_not_identified"), "card draft");
                    using (var m2 = Matching.FromJson("[{\"patient_id\":\"p1\",\"name\":\"検証　花子\",\"birthdate\":\"1985-04-01\"}]"))
                    using (var found = m2.FindCard(info))
                    {
                        Check(found.Count == 1 && found[0].PatientId == "p1", "card finds the patient");
                    }
                }
            }
            using (var last = Card.OpenVirtual("{\"tries_left\":1}"))
            {
                Throws(Status.CardLastTryNeedsConfirmation, () => last.ReadBasicInfo(System.Text.Encoding.UTF8.GetBytes("1234"), false), "last try");
            }
            Throws(Status.CardInvalidPinFormat, () => Card.OpenVirtual("{\"pin\":\"12\"}"), "virtual pin format");
            try
            {
                Card.ListReaders();
                passed++;
            }
            catch (OnshiException e)
            {
                Check((uint)e.Status >= 500 && (uint)e.Status < 600, "PC/SC error is a card status: " + e.Status);
            }
        }
    }

    // Issue 12: what the patient presented (kept with the confirmation, read by the advice),
    // the month's マイナ保険証 利用率 (pure and from the client's journal), and the card kinds
    // that cannot be read, each its own status with a staff text saying what to do instead.
    private const string LateElderly = "{\"insurer_number\":\"39130018\",\"insured_identification_number\":\"40000084\",\"name\":\"確認　八十四\",\"birthdate\":\"1945-04-01\",\"address\":\"東京都見本区見本町一丁目１番１号\",\"qualification_date\":\"2010-04-01\"}";

    private static void Reception()
    {
        using (var reg = Qualification.FromJson(LateElderly))
        using (var ret = reg.Clone())
        using (var history = History.New(reg, new DateTime(2010, 4, 1), "staff-1", Now))
        {
            ret.Address = null;
            using (var d = history.ReviewRecord(ret, "OQSsiquc01res_cs.xml", new DateTime(2026, 12, 7), QueryKind.InsuranceCard, Presentation.QualificationCertificate))
            {
                Check(d.Presentation == Presentation.QualificationCertificate, "presentation kept in the review");
                Check(d.ClinicKind == null, "no clinic kind given, none kept");
                DiffFieldItem addr = d.FieldOf(Field.Address);
                Check(addr != null && addr.Advice == Advice.AddressNotOnCertificate && addr.Action == DiffAction.Ignore, "a 後期高齢 資格確認書 has no address: " + (addr == null ? "none" : addr.Advice.ToString()));
                bool rule = false;
                foreach (DiffNoticeItem n in d.Notices) rule |= n.Kind == Notice.LateElderlyCertificateRule;
                Check(rule, "the 2026-08 後期高齢 rule is told");
                history.Apply(d, null, StartDatePolicy.ConfirmationDate, "staff-1", Now);
                Check(history.Versions[history.Versions.Count - 1].LinkPresentation == Presentation.QualificationCertificate, "presentation kept with the link");
            }
            using (var face = history.ReviewRecord(ret, "OQSsiquc01res_cs2.xml", new DateTime(2026, 12, 7), QueryKind.MyNumberCard, Presentation.OtherDocument))
            {
                Check(face.Presentation == Presentation.MyNumberCard, "a face result is a マイナ保険証");
            }
            using (var dental = history.ReviewRecord(ret, "OQSsiquc01res_cs3.xml", new DateTime(2026, 12, 7), QueryKind.InsuranceCard, Presentation.QualificationCertificate, ClinicKind.Dental))
            {
                Check(dental.Presentation == Presentation.QualificationCertificate && dental.ClinicKind == ClinicKind.Dental, "presentation and clinic kind both kept");
            }
            Throws(Status.InvalidArgument, () => history.ReviewRecord(ret, "x", new DateTime(2026, 12, 7), QueryKind.InsuranceCard, (Presentation)99), "unknown presentation");
        }

        const string visits = "[{\"date\":\"2026-12-01\",\"patient_id\":\"1\",\"presentation\":\"qualification_certificate\",\"recorded_at\":\"2026-12-01T09:00:00\"},"
            + "{\"date\":\"2026-12-02\",\"patient_id\":\"2\",\"presentation\":\"my_number_smartphone\",\"recorded_at\":\"2026-12-02T09:00:00\"},"
            + "{\"date\":\"2026-12-03\",\"patient_id\":\"3\",\"presentation\":\"my_number_card_with_notice\",\"recorded_at\":\"2026-12-03T09:00:00\"},"
            + "{\"date\":\"2026-12-04\",\"patient_id\":\"4\",\"presentation\":\"none\",\"recorded_at\":\"2026-12-04T09:00:00\"}]";
        string json = Usage.Report(visits, 2026, 12);
        Check(json.Contains("\"rate_basis_points\":2500") && json.Contains("\"meets_target\":false"), "25 % is under the line: " + json);
        Check(Usage.Report(visits, 2026, 12, ReportFormat.Csv).StartsWith("\uFEFF"), "CSV with a BOM");
        Check(Usage.Report(visits, 2026, 12, ReportFormat.Text).Contains("25.00%"), "text report");
        Throws(Status.Json, () => Usage.Report("{}", 2026, 12), "visits must be an array");
        Throws(Status.InvalidValue, () => Usage.Report("[]", 2026, 13), "month 13");
        Throws(Status.InvalidArgument, () => Usage.Report("[]", 2026, 12, (ReportFormat)9), "unknown format");

        string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "onshi-cs-rcp-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var client = Client.Open(root, "{\"create_folders\":true}"))
            {
                client.RecordVisit(new DateTime(2026, 12, 1), "K-1", Presentation.MyNumberCard);
                client.RecordVisit(new DateTime(2026, 12, 8), "K-1", Presentation.QualificationCertificate);
                client.RecordVisit(new DateTime(2026, 12, 2), "K-2", Presentation.QualificationCertificate, "OQSsiquc01res_k2.xml");
                client.RecordVisit(new DateTime(2026, 12, 2), "K-2", Presentation.QualificationCertificate, "OQSsiquc01res_k2.xml");
                string r = client.UsageReport(2026, 12);
                Check(r.Contains("\"patients\":2") && r.Contains("\"visits\":3") && r.Contains("\"rate_basis_points\":5000"), "journal report: " + r);
                Throws(Status.TerminalInvalidRequest, () => client.RecordVisit(new DateTime(2026, 12, 1), null, Presentation.MyNumberCard), "a visit needs a patient or a result");
                Throws(Status.InvalidArgument, () => client.RecordVisit(new DateTime(2026, 12, 1), "K-3", (Presentation)0), "presentation required");
            }
        }
        finally
        {
            try { System.IO.Directory.Delete(root, true); } catch (Exception) { }
        }

        string[][] modes = {
            new[] { "android_smartphone", "CardSmartphone", "顔認証付きカードリーダー" },
            new[] { "face_auth_card", "CardFaceAuthCard", "顔認証" },
            new[] { "locked_pin", "CardPinLocked", "市区町村" },
            new[] { "iphone", "CardNotMyNumberCard", "iPhone" },
        };
        foreach (string[] m in modes)
        {
            Status want = (Status)Enum.Parse(typeof(Status), m[1]);
            OnshiException e = ThrowsException(want, () =>
            {
                using (var card = Card.OpenVirtual("{\"mode\":\"" + m[0] + "\"}"))
                {
                    card.Recognise();
                    card.ReadBasicInfo(System.Text.Encoding.UTF8.GetBytes("1234"), false);
                }
            }, "virtual card " + m[0]);
            Check(e != null && e.StaffMessage != null && e.StaffMessage.Contains(m[2]), m[0] + " staff text: " + (e == null ? "" : e.StaffMessage));
        }
    }

    // The seed operation end to end: the emulator answers a 個別照会 built from the registered
    // record, the answer is diffed and applied to the history; face results by poll and by
    // callback; bulk; bad input.
    private const string P01 = "{\"insured_card_classification\":\"01\",\"insurer_number\":\"01130012\",\"insured_card_symbol\":\"12-34\",\"insured_identification_number\":\"1001\",\"insured_branch_number\":\"00\",\"personal_family_classification\":\"1\",\"name\":\"見本　太郎\",\"name_kana\":\"ﾐﾎﾝ ﾀﾛｳ\",\"sex1\":\"1\",\"birthdate\":\"1980-04-01\",\"address\":\"東京都見本区旧町\",\"qualification_date\":\"2020-04-01\"}";

    private static void TerminalFlow()
    {
        string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "onshi-cs-" + Guid.NewGuid().ToString("N"));
        try
        {
            Throws(Status.TerminalMissingFolder, () => Client.Open(root), "no folders yet");
            using (var emu = Emulator.Start(root, null, 0, FileEncoding.ShiftJis))
            using (var client = Client.Open(root, "{\"medical_institution_code\":\"1310000003\"}"))
            using (var registered = Qualification.FromJson(P01))
            using (var history = History.New(registered, new DateTime(2020, 4, 1), "staff-1", Now))
            {
                // 個別照会 → 資格確認結果.
                using (var req = Document.NewIndividualRequest("1310000003", registered, new DateTime(2025, 4, 10), "visit-1", true))
                {
                    Check(req.MessageType == MessageType.QualificationRequest, "request type");
                    Check(req.Queries.Count == 1 && req.Queries[0].InsurerNumber == "01130012", "query block");
                    Check(req.HeaderArbitraryFileIdentifier == "visit-1", "file identifier");
                    string xml = System.Text.Encoding.UTF8.GetString(req.Write(FileEncoding.Utf8));
                    Check(xml.Contains("<InsurerNumber>01130012</InsurerNumber>"), "written request");
                    using (Ticket ticket = client.Submit(req))
                    using (Ticket again = Ticket.FromJson(ticket.ToJson()))
                    using (Document res = client.Wait(again, 10000))
                    {
                        Check(res.MessageType == MessageType.QualificationResponse, "answer type");
                        Check(res.QualificationValidity == "1", "valid");
                        Check(res.Count(ListKind.DocumentResults) == 1, "one record");
                        using (Qualification returned = res.ResultAt(0))
                        {
                            Check(returned.Name == "見本　太郎", "returned name");
                        }
                        using (Diff diff = Diff.CompareDocument(registered, res))
                        {
                            Check(diff.Verdict == Verdict.UpdateRecommended, "verdict " + diff.Verdict);
                            Check(diff.QueryKind == QueryKind.InsuranceCard, "kind from the header");
                            Check(diff.FieldOf(Field.Address).Advice == Advice.AddressChanged, "address changed");
                            using (Diff review = history.Review(res, null, "res-1"))
                            {
                                Check(review.Verdict == diff.Verdict, "the review judges as the diff");
                                Check(history.Apply(review, null, StartDatePolicy.FirstOfMonth, "staff-1", Now) == 2, "applied");
                            }
                        }
                        Throws(Status.TypeMismatch, () => Diff.CompareDocument(registered, req), "a request is not an answer");
                    }
                }
                using (var cur = history.Current())
                {
                    Check(cur.Address == "東京都見本区見本町一丁目１番１号", "reflected from the terminal");
                }

                // Face results: poll, then callback.
                emu.PushFace("P14");
                using (Document face = client.NextFace(10000))
                {
                    Check(face != null && face.FileName.StartsWith("OQSsiquc01res_face_"), "face by poll");
                    using (var who = face.ResultAt(0))
                    {
                        Check(who.InsuredCardClassification == "A1", "医療扶助 face result");
                    }
                    Check(client.NextFace(0) == null, "claimed: not handed out twice");
                    client.ReleaseFace(face);
                    using (Document again = client.NextFace(10000))
                    {
                        Check(again != null && again.FileName == face.FileName, "released: comes again");
                        client.AckFace(again);
                    }
                }
                Check(client.NextFace(0) == null, "acknowledged: never again");
                var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
                client.OnFace((doc, error) =>
                {
                    using (doc)
                    {
                        seen.Enqueue(doc != null ? doc.FileName : "error " + error.Status);
                    }
                });
                emu.PushFace("P14");
                var start = DateTime.UtcNow;
                while (seen.IsEmpty && (DateTime.UtcNow - start).TotalSeconds < 10) System.Threading.Thread.Sleep(20);
                client.StopFace();
                string first;
                Check(seen.TryDequeue(out first) && first.StartsWith("OQSsiquc01res_face_"), "face by callback: " + first);
                Throws(Status.TerminalDataset, () => emu.PushFace("nobody"), "unknown person");

                // Bulk.
                using (var up = Document.New(MessageType.QualificationRequest))
                {
                    up.HeaderQualificationConfirmationDate = new DateTime(2025, 4, 10);
                    DocumentQuery q = up.AddQuery();
                    q.InsurerNumber = "01130012";
                    q.InsuredIdentificationNumber = "1001";
                    q.Birthdate = new DateTime(1980, 4, 1);
                    var options = new OnshiBulkOptions { DeadlineMs = 20000, StepTimeoutMs = 10000, InitialBackoffMs = 50, MaxBackoffMs = 200 };
                    using (Document bulk = client.Bulk(Family.BulkQualification, up, options))
                    {
                        Check(bulk.MessageType == MessageType.BulkQualificationResponse && bulk.Units.Count == 1, "bulk units");
                        Check(bulk.Units[0].ResultCount == 1, "unit result count");
                        using (Diff d = Diff.CompareUnit(registered, bulk, 0))
                        {
                            Check(d.QueryKind == QueryKind.Bulk, "bulk diff");
                        }
                    }
                    Throws(Status.TerminalInvalidRequest, () => client.Bulk(Family.Individual, up), "not a bulk family");
                }
                Check(client.Doctor().Contains("\"checks\""), "doctor json");

                // Seed row 9: 薬剤情報 only for patients who consented.
                DateTime nowJst = DateTime.UtcNow.AddHours(9);
                using (var card = Qualification.FromJson("{\"insurer_number\":\"138057\",\"insured_card_symbol\":\"見01\",\"insured_identification_number\":\"3022\",\"insured_branch_number\":\"00\",\"birthdate\":\"1958-03-21\"}"))
                using (var q = Document.NewIndividualRequest("1310000003", card, nowJst.Date, null, true))
                using (Document r = client.Query(q, 10000))
                using (Qualification patient = r.ResultAt(0))
                using (Document drug = client.GetDocument(DocumentKind.DrugInfo, patient, nowJst, 10000))
                {
                    Check(drug.MessageType == MessageType.DocumentResponse, "drug info type");
                    Check(System.Text.Encoding.UTF8.GetString(drug.Write(FileEncoding.Utf8)).Contains("見本ロキソプロフェン錠６０ｍｇ"), "drug info");
                }
                using (var card = Qualification.FromJson("{\"insurer_number\":\"01130012\",\"insured_card_symbol\":\"12-34\",\"insured_identification_number\":\"1023\",\"insured_branch_number\":\"00\",\"birthdate\":\"1962-11-11\"}"))
                using (var q = Document.NewIndividualRequest("1310000003", card, nowJst.Date, null, true))
                using (Document r = client.Query(q, 10000))
                using (Qualification patient = r.ResultAt(0))
                {
                    ulong taken = emu.Stats.Taken;
                    OnshiException e = ThrowsException(Status.TerminalNotConsented, () => client.GetDocument(DocumentKind.DrugInfo, patient, nowJst, 10000), "expired consent");
                    Check(e != null && e.StaffMessage.StartsWith("情報の提供は同意されていません"), "not consented: " + (e == null ? "" : e.StaffMessage));
                    System.Threading.Thread.Sleep(100);
                    Check(emu.Stats.Taken == taken, "nothing written");
                }

                // A silent terminal: a typed timeout with guidance for staff.
                emu.Behaviour = Behaviour.Silent;
                using (var req2 = Document.NewIndividualRequest("1310000003", registered, new DateTime(2025, 4, 10), null, false))
                {
                    OnshiException e = ThrowsException(Status.TerminalNotAnswering, () => client.Query(req2, 300), "silent terminal");
                    Check(e != null && (e.StaffMessage.Contains("資格確認端末") || e.StaffMessage.Contains("連携アプリケーション")), "guidance for staff");
                    Check(e != null && e.Detail.Contains("no answer"), "detail for developers");
                }
                Check(emu.Stats.Faces == 2, "two faces pushed");
                emu.Stop();
                Throws(Status.TerminalEmulatorStopped, () => emu.PushFace("P14"), "stopped");
            }

            // Documents from bytes: bad input comes back typed.
            Throws(Status.XmlForbidden, () => Document.Parse(System.Text.Encoding.UTF8.GetBytes("<!DOCTYPE x><XmlMsg/>")), "DOCTYPE refused");
            Throws(Status.XmlSyntax, () => Document.Parse(System.Text.Encoding.UTF8.GetBytes("<XmlMsg>")), "truncated");
            Throws(Status.XmlTooLarge, () => Document.Parse(new byte[100], new OnshiLimits { MaxBytes = new UIntPtr(10) }), "limit");
            Throws(Status.Io, () => Document.ParseFile(System.IO.Path.Combine(root, "missing.xml")), "missing file");
            Check(Document.ResponseName("OQSsiquc01req_1.xml") == "OQSsiquc01res_1.xml", "response name");
            Check(Document.ParseFileName("OQSmuquc02res_1.xml").Family == Family.BulkQualification, "file name family");
            Throws(Status.XmlFileNameUnsafe, () => Document.ParseFileName("../x.xml"), "unsafe file name");
        }
        finally
        {
            try { System.IO.Directory.Delete(root, true); } catch (Exception) { }
        }
    }

    // The careless caller from C#: threads on one record, a client disposed while others wait,
    // CancellationToken and Task-returning calls, the handler disposing its own client.
    private static void Threads()
    {
        ulong before = Library.LiveHandleCount;
        using (var q = Qualification.FromJson(Registered))
        {
            int bad = 0;
            var ts = new Thread[4];
            for (int t = 0; t < ts.Length; t++)
            {
                int me = t;
                ts[t] = new Thread(() =>
                {
                    for (int i = 0; i < 300; i++)
                    {
                        try
                        {
                            q.Name = (i + me) % 2 == 0 ? "見本　花子" : "見本　太郎";
                            string n = q.Name;
                            if (n != "見本　花子" && n != "見本　太郎") Interlocked.Increment(ref bad);
                        }
                        catch (Exception)
                        {
                            Interlocked.Increment(ref bad);
                        }
                    }
                });
                ts[t].Start();
            }
            foreach (var t in ts) t.Join();
            Check(bad == 0, "four threads on one record");
        }

        string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "onshi-cs-threads-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var emu = Emulator.Start(root))
            {
                Check(emu.PersonsJson.Contains("\"P14\""), "the emulator lists its persons");
                var client = Client.Open(root);
                using (var card = Qualification.FromJson("{\"insurer_number\":\"01130012\",\"insured_card_symbol\":\"12-34\",\"insured_identification_number\":\"1001\",\"insured_branch_number\":\"00\",\"birthdate\":\"1980-04-01\"}"))
                using (var req = Document.NewIndividualRequest("1310000003", card, new DateTime(2025, 4, 10), null, false))
                {
                    using (Ticket t = client.Submit(req))
                    using (Document res = client.WaitAsync(t, 10000).Result)
                    {
                        Check(res.FileName == t.ResponseFile && t.ResponseFile.StartsWith("OQSsiquc01res_"), "answer file name " + res.FileName);
                        Check(t.RequestFile.StartsWith("OQSsiquc01req_"), "request file name");
                    }
                    emu.Behaviour = Behaviour.Silent;

                    // A CancellationToken cancels a Task-returning query: the task ends Canceled.
                    using (var cts = new CancellationTokenSource())
                    {
                        Task<Document> task = client.QueryAsync(req, 30000, 0, cts.Token);
                        Thread.Sleep(200);
                        var t0 = DateTime.UtcNow;
                        cts.Cancel();
                        try
                        {
                            task.Wait();
                            Check(false, "cancelled task completed");
                        }
                        catch (AggregateException e)
                        {
                            Check(e.InnerException is OperationCanceledException, "OperationCanceledException: " + e.InnerException);
                        }
                        Check(task.IsCanceled, "task is Canceled");
                        Check((DateTime.UtcNow - t0).TotalSeconds < 5, "cancelled promptly");
                        // Already cancelled: no native call at all.
                        Check(client.NextFaceAsync(30000, cts.Token).ContinueWith(x => x.IsCanceled).Result, "pre-cancelled task");
                    }

                    // Disposing the client while another thread waits on it cancels that wait.
                    Task<Document> waiting = client.NextFaceAsync(30000);
                    Thread.Sleep(200);
                    client.Dispose();
                    try
                    {
                        waiting.Wait();
                        Check(false, "wait survived Dispose");
                    }
                    catch (AggregateException e)
                    {
                        var oe = e.InnerException as OnshiException;
                        Check(oe != null && oe.Status == Status.TerminalCancelled, "Cancelled after Dispose: " + e.InnerException);
                        Check(oe != null && oe.StaffMessage.Contains("取り消"), "staff text of a cancel");
                    }
                }

                // The handler may dispose its own client; the blocking calls are refused inside it.
                emu.Behaviour = Behaviour.Normal;
                var c2 = Client.Open(root);
                var done = new ManualResetEventSlim(false);
                Status inside = Status.Ok;
                c2.OnFace((doc, error) =>
                {
                    using (doc)
                    {
                        try { c2.NextFace(100); }
                        catch (OnshiException e) { inside = e.Status; }
                        c2.Dispose();
                        done.Set();
                    }
                });
                emu.PushFace("P14");
                Check(done.Wait(10000), "the handler ran");
                Check(inside == Status.InCallback, "blocking call inside the handler: " + inside);
                Thread.Sleep(200);
            }
        }
        finally
        {
            try { System.IO.Directory.Delete(root, true); } catch (Exception) { }
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Check(Library.LiveHandleCount == before, "every handle freed: " + Library.LiveHandleCount + " vs " + before);
    }

    /// <summary>Issue 11: odd values kept with warnings, dated labels, the clinic kind and the 医療扶助 re-check.</summary>
    private static void Fidelity()
    {
        Check(Codes.Label(CodeTable.InsuredCardClassification, "05", new DateTime(2024, 11, 30)) == "被保険者資格証明書", "05 before 2024-12-02");
        Check(Codes.Label(CodeTable.InsuredCardClassification, "05", new DateTime(2026, 10, 5)) == "特別療養費支給対象者", "05 after");
        Check(Codes.Label(CodeTable.InsuredCardClassification, "07") == "自衛官", "07 newest");
        string face = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XmlMsg>\n<MessageHeader>"
            + "<QualificationConfirmationDate>20261005</QualificationConfirmationDate>"
            + "<ReferenceClassification>1</ReferenceClassification><SegmentOfResult>1</SegmentOfResult>"
            + "</MessageHeader>\n<MessageBody><QualificationValidity>6</QualificationValidity><ResultList>"
            + "<ResultOfQualificationConfirmation>\n"
            + "<InsuredCardClassification>A1</InsuredCardClassification><InsurerNumber>12130019</InsurerNumber>"
            + "<Name>扶助　静香</Name><InsuredCardExpirationDate>99999999</InsuredCardExpirationDate>\n"
            + "</ResultOfQualificationConfirmation></ResultList></MessageBody></XmlMsg>\n";
        using (var doc = Document.Parse(System.Text.Encoding.UTF8.GetBytes(face)))
        {
            var w = doc.Warnings;
            Check(w.Count == 1, "one warning");
            Check(w[0].Kind == WarningKind.InvalidValue, "kind");
            Check(w[0].Path == "/XmlMsg/MessageBody/ResultList/ResultOfQualificationConfirmation[1]/InsuredCardExpirationDate", "path " + w[0].Path);
            Check(w[0].Line == 5, "line");
            Check(w[0].Value == "99999999", "value as received");
            Check(w[0].Expected == "a date yyyyMMdd", "expected");
            Check(!w[0].Message.Contains("99999999"), "the log line hides the value");
            Check(doc.Registrations.Count == 0, "no registrations in a 資格確認結果");
            using (var reg = Qualification.FromJson("{\"insured_card_classification\":\"A1\",\"insurer_number\":\"12130019\",\"name\":\"扶助　静香\"}"))
            using (var history = History.New(reg, new DateTime(2024, 4, 1), "受付", new DateTime(2026, 10, 5, 9, 0, 0)))
            using (var d = history.Review(doc, null, "face-1", null, null, ClinicKind.Dental))
            {
                Check(d.ClinicKind == ClinicKind.Dental, "clinic kind kept");
                Check(d.RecheckReason == RecheckReason.TicketNotYetRegistered, "re-check reason");
                Check(d.RecheckDate == new DateTime(2026, 10, 21), "re-check day " + d.RecheckDate);
                Throws(Status.InvalidArgument, () => history.Review(doc, null, "face-1", null, null, (ClinicKind)99), "unknown clinic kind");
            }
        }
        string units = "<XmlMsg><MessageHeader><SegmentOfResult>1</SegmentOfResult><ReceptionNumber>R-9</ReceptionNumber></MessageHeader><MessageBody>"
            + "<BulkRegistrationUnit><ReferenceNumberRegistrationInfo><ReferenceNumber>K-1</ReferenceNumber></ReferenceNumberRegistrationInfo>"
            + "<ProcessingResultStatus>2</ProcessingResultStatus><ProcessingResultCode>E2001</ProcessingResultCode></BulkRegistrationUnit>"
            + "</MessageBody></XmlMsg>";
        using (var doc = Document.Parse(System.Text.Encoding.UTF8.GetBytes(units)))
        {
            var r = doc.Registrations;
            Check(r.Count == 1 && r[0].ReferenceNumber == "K-1", "registration unit read");
            Check(r[0].ProcessingResultStatus == "2" && r[0].ProcessingResultCode == "E2001", "its outcome");
        }
    }

    // A terminal of 2026: files the terminal encrypted (the emulator "encrypts" with the base64
    // program, the test decodes: never a real scheme), a cipher that throws, files in face/
    // that are not face results, content that is not XML.
    private static void Terminal2026()
    {
        Throws(Status.XmlEncrypted, () => Document.Parse(new byte[] { 0x8f, 0x01, 0x20, 0x41 }), "not XML");
        if (Environment.OSVersion.Platform != PlatformID.Unix) return;
        string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "onshi-cs26-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var emu = Emulator.StartWithOptions(root, null, "{\"encrypt_command\":[\"base64\"]}"))
            using (var client = Client.Open(root, "{\"medical_institution_code\":\"1310000003\",\"settle_timeout_ms\":500}"))
            using (var registered = Qualification.FromJson(P01))
            using (var req = Document.NewIndividualRequest("1310000003", registered, new DateTime(2025, 4, 10), "v-2026", true))
            {
                var e = ThrowsException(Status.TerminalEncrypted, () => client.Query(req, 20000).Dispose(), "encrypted, no module");
                Check(e != null && e.StaffMessage.Contains("encrypt.conf") && e.StaffMessage.Contains("OQSsiquc"), "staff text names the setting and prefix");
                client.SetCipher((stage, name, bytes) => { throw new InvalidOperationException("vendor module missing"); });
                Throws(Status.TerminalHookFailed, () => client.Query(req, 20000).Dispose(), "a throwing cipher");
                client.SetCipher((stage, name, bytes) => stage == CipherStage.Encrypt ? bytes : new byte[] { 0x8f, 0x01, 0x00, 0x42 });
                Throws(Status.TerminalHookFailed, () => client.Query(req, 20000).Dispose(), "a cipher answering bytes that are not XML");
                client.SetCipher((stage, name, bytes) => stage == CipherStage.Encrypt ? bytes : null);
                Throws(Status.TerminalHookFailed, () => client.Query(req, 20000).Dispose(), "a cipher answering null");
                int calls = 0;
                client.SetCipher((stage, name, bytes) =>
                {
                    System.Threading.Interlocked.Increment(ref calls);
                    if (stage == CipherStage.Encrypt) return bytes;
                    return Convert.FromBase64String(System.Text.Encoding.ASCII.GetString(bytes).Replace("\n", ""));
                });
                using (Document res = client.Query(req, 20000))
                {
                    Check(res.MessageType == MessageType.QualificationResponse, "decrypted answer");
                }
                Check(calls >= 2, "cipher called for the request and the answer");
                client.SetCipher(null);
                System.IO.File.WriteAllText(System.IO.Path.Combine(root, "face", "memo.txt"), "x");
                using (Document none = client.NextFace(0))
                {
                    Check(none == null, "no face result");
                }
                Check(client.SkippedFaces().Contains("memo.txt"), "skipped file reported");
                Check(client.SkippedFaces() == "[]", "once");
            }
        }
        finally
        {
            try { System.IO.Directory.Delete(root, true); } catch (Exception) { }
        }
    }

    // 公費 (PMH): the same diff and history as the qualification; no PMH data is unknown,
    // never 失効. Against the emulator's PMH persons P60 (上限額 1万円 → 2万円 from the second
    // answer) and P62 (a city not on PMH).
    private static void PublicExpenses()
    {
        using (var paper = new PublicExpense())
        {
            paper.PayerNumber = "５４１３８０１１";
            Check(paper.PayerNumber == "54138011", "公費負担者番号 normalised: " + paper.PayerNumber);
            Throws(Status.IdLength, () => paper.PayerNumber = "5413801", "7-digit 公費負担者番号");
            Throws(Status.IdTooLong, () => paper.RecipientNumber = new string('0', 30) + "1", "31-character 受給者番号");
            paper.RecipientNumber = "2001238";
            paper.MaxCopaymentAmount = 5000;
            paper.Source = "paper";
            paper.ValidFrom = new DateTime(2025, 10, 1);
            paper.ValidTo = new DateTime(2026, 9, 30);
            Check(paper.MaxCopaymentAmount == 5000 && paper.ValidTo == new DateTime(2026, 9, 30), "typed properties");
            Check(paper.ProgrammeLabel == "指定難病（特定医療費）", "programme: " + paper.ProgrammeLabel);
            Check(paper.ValidOn(new DateTime(2026, 9, 30)) && !paper.ValidOn(new DateTime(2026, 10, 1)), "validity");
            Throws(Status.TypeMismatch, () => paper.GetText(Field.Name), "a qualification field");
            Check(paper.HistoryKey == null, "absent is null");
            using (var copy = PublicExpense.FromJson(paper.ToJson()))
            {
                Check(copy.SameAs(paper), "JSON round trip");
            }
            Throws(Status.Json, () => PublicExpense.FromJson("{\"payer_number\":\"1\"}"), "bad JSON");

            string root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "onshi-cs-kouhi-" + Guid.NewGuid().ToString("N"));
            try
            {
                DateTime today = DateTime.UtcNow.AddHours(9).Date;
                using (var emu = Emulator.Start(root, null, 0, FileEncoding.ShiftJis))
                using (var client = Client.Open(root, "{\"medical_institution_code\":\"1310000003\"}"))
                {
                    emu.PushFace("P60");
                    using (Document face = client.NextFace(20000))
                    using (Qualification fq = face.ResultAt(0))
                    using (PublicExpense sent = fq.PublicExpenseAt(0))
                    using (History h = History.FromResultPublicExpense(sent, new DateTime(2026, 4, 1), face.FileName, today, "staff-1", Now))
                    {
                        client.AckFace(face);
                        Check(fq.Count(ListKind.PublicExpenses) == 2, "two 公費 from PMH");
                        Check(sent.MaxCopaymentAmount == 10000, "上限額 1万円: " + sent.MaxCopaymentAmount);
                        Check(h.Kind == RecordKind.PublicExpense, "a 公費 history");
                        using (var cur = h.CurrentPublicExpense())
                        {
                            Check(cur.Source == "pmh", "source pmh: " + cur.Source);
                        }
                        Throws(Status.HistoryWrongKind, () => h.Current(), "not a qualification history");

                        using (var card = Qualification.FromJson("{\"insurer_number\":\"01130012\",\"insured_card_symbol\":\"60\",\"insured_identification_number\":\"6001\",\"insured_branch_number\":\"00\",\"birthdate\":\"1975-06-01\"}"))
                        using (var q = Document.NewIndividualRequest("1310000003", card, today, null, true))
                        using (Document res = client.Query(q, 20000))
                        using (Diff d = h.Review(res, null, "visit-2"))
                        {
                            Check(d.Verdict == Verdict.NewQualification, "上限額 changed: new version, verdict " + d.Verdict);
                            Check(d.RecordKind == RecordKind.PublicExpense, "a 公費 diff");
                            DiffFieldItem cap = d.FieldOf(Field.PublicExpenseMaxCopaymentAmount);
                            Check(cap != null && cap.Advice == Advice.CapChanged && cap.Returned == "20000円", "cap advice");
                            Check(cap != null && cap.Message.Contains("上限額"), "Japanese message");
                            using (var reg = d.RegisteredPublicExpense())
                            {
                                Check(reg.MaxCopaymentAmount == 10000, "registered 公費");
                            }
                            Throws(Status.TypeMismatch, () => d.Returned(), "no qualification in a 公費 diff");
                            using (var ret = d.ReturnedPublicExpense())
                            {
                                Check(ret != null && ret.MaxCopaymentAmount == 20000, "returned 公費");
                            }
                            Throws(Status.HistoryWrongKind, () => h.Apply(d, new Choices().Keep(Field.Address), StartDatePolicy.FirstOfMonth, "staff-1", Now), "qualification choices");
                            Check(h.Apply(d, new Choices().Keep(Field.PublicExpenseValidTo), StartDatePolicy.FirstOfMonth, "staff-1", Now) == 3, "applied: three events");
                        }
                        Check(h.Versions.Count == 2 && h.Versions[0].State == VersionState.Superseded, "old version superseded");
                        using (var v2 = h.Versions[1].PublicExpense)
                        {
                            Check(v2.MaxCopaymentAmount == 20000, "new 上限額");
                        }
                        h.Unlink(h.Versions[1].Id.Value, "staff-1", Now);
                        using (var v2 = h.VersionPublicExpense(1))
                        {
                            Check(v2.MaxCopaymentAmount == 20000, "unlink keeps the data");
                        }
                        using (var back = History.FromJson(h.ToJson()))
                        {
                            Check(back.Kind == RecordKind.PublicExpense, "JSON keeps the kind");
                        }

                        // Matching by the 公費 numbers PMH sent.
                        using (var m = new Matching())
                        {
                            Patient p = m.Add("K-6001");
                            p.AddPublicExpense(sent);
                            Check(p.PublicExpenseCount == 1, "patient 公費 count");
                            using (Candidates found = m.Find(fq))
                            {
                                Check(found.Count == 1 && (found[0].ReasonFlags.Value & (uint)MatchFlags.PublicExpense) != 0, "matched by 公費");
                            }
                        }
                    }

                    // P62: no PMH data → unknown, never 失効; ask for the paper 受給者証.
                    using (History hp = History.NewPublicExpense(paper, new DateTime(2025, 10, 1), "staff-1", Now))
                    using (var card = Qualification.FromJson("{\"insurer_number\":\"01130012\",\"insured_card_symbol\":\"60\",\"insured_identification_number\":\"6003\",\"insured_branch_number\":\"00\",\"birthdate\":\"1959-03-03\"}"))
                    using (var q = Document.NewIndividualRequest("1310000003", card, today, null, true))
                    using (Document res = client.Query(q, 20000))
                    using (Diff d = hp.Review(res, null, "visit-p62"))
                    {
                        Check(d.Verdict == Verdict.Unknown, "no PMH data: unknown, verdict " + d.Verdict);
                        Check(d.Cause == Cause.NoPmhData, "cause");
                        Check(d.Notices.Count > 0 && d.Notices[0].Message.Contains("紙の受給者証を確認してください"), "ask for the paper 受給者証");
                        Check(d.ReturnedPublicExpense() == null, "nothing returned");
                        OnshiException e = ThrowsException(Status.HistoryUnknown, () => hp.Apply(d, null, StartDatePolicy.FirstOfMonth, "staff-1", Now), "nothing to apply");
                        Check(e != null && e.StaffMessage.Contains("紙の受給者証"), "staff message");
                        Check(hp.Versions.Count == 1 && hp.Versions[0].State == VersionState.Current, "not expired");
                    }
                    emu.Stop();
                }
            }
            finally
            {
                try { System.IO.Directory.Delete(root, true); } catch (Exception) { }
            }
        }
    }

    private static int Main()
    {
        try
        {
            Version();
            IdsAndCodes();
            Fidelity();
            Record();
            Misuse();
            Threads();
            DiffAndHistory();
            MatchingAndCard();
            Reception();
            TerminalFlow();
            Terminal2026();
            PublicExpenses();
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
