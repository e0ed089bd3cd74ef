using System.Globalization;
using System.Text;

namespace Chat.Server.Statistics;

/// <summary>
/// The report as CSV that opens correctly in Dutch Excel: UTF-8 with BOM, semicolons, Dutch labels, one block
/// per table (label; aantal; percentage) followed by n and onbekend, then the chat figures.
/// </summary>
public static class StatisticsCsv
{
    public static byte[] Write(StatisticsReport r)
    {
        var sb = new StringBuilder();
        void Line(params object?[] cells) => sb.Append(string.Join(';', cells.Select(Cell))).Append("\r\n");

        Line("Periode", r.From, r.To);
        Line("Aantal contacten", r.Contacts);
        foreach (var (_, t) in r.Tables)
        {
            sb.Append("\r\n");
            Line(t.Label, "Aantal", "Percentage");
            foreach (var row in t.Rows) Line(row.Label, row.Count, row.Percent + "%");
            Line("n", t.N, "");
            Line(t.Multiple ? "niets aangekruist" : "onbekend", t.Unknown, "");
        }
        sb.Append("\r\n");
        Line("Chat", "Aantal", "");
        Line("chatverzoeken", r.Chat.Requests, "");
        Line("beantwoord", r.Chat.Answered, "");
        Line("weggegaan tijdens het wachten", r.Chat.Abandoned, "");
        Line("verzoeken buiten openingstijd", r.Chat.RequestsWhileClosed, "");
        Line("mediane wachttijd (seconden)", r.Chat.MedianWaitSeconds, "");
        Line("90% wacht korter dan (seconden)", r.Chat.P90WaitSeconds, "");
        Line("contactformulieren nog niet ingevuld", r.Chat.FormsMissing, "");
        Line("geblokkeerd (misbruik, bedreiging, grap)", r.Chat.Blocked, "");
        if (r.Chat.Overflow is { } o && (o.Out > 0 || o.In > 0))
        {
            Line("doorverwezen naar een partnerproject (met ja van de contactzoeker)", o.Out, "");
            Line("overgenomen van een partnerproject", o.In, "");
        }
        if (r.Triage is { } triage)
        {
            sb.Append("\r\n");
            Line("Wachttijd per voorrang", "Verzoeken", "Beantwoord", "Mediane wachttijd (seconden)", "90% wacht korter dan (seconden)");
            foreach (var tier in triage.Tiers) Line(tier.Label, tier.Requests, tier.Answered, tier.MedianWaitSeconds, tier.P90WaitSeconds);
            sb.Append("\r\n");
            Line(["Reden van voorrang", "Contacten", .. ContactForms.ContactCodes.Safety.Codes.Select(c => "veiligheid: " + c.Nl)]);
            foreach (var reason in triage.Reasons) Line([reason.Label, reason.Contacts, .. reason.Safety.Values.Cast<object?>()]);
        }
        if (r.Feedback is { } f)
        {
            sb.Append("\r\n");
            Line("Feedback van bezoekers", "Aantal", "");
            Line("reacties", f.Responses, "");
            Line("gemiddeld rapportcijfer", f.AverageScore?.ToString("0.0", CultureInfo.GetCultureInfo("nl-NL")), "");
            Line("geholpen: ja", f.Helped.Yes, "");
            Line("geholpen: een beetje", f.Helped.Somewhat, "");
            Line("geholpen: nee", f.Helped.No, "");
        }
        if (r.Mailbox is { } m)
        {
            sb.Append("\r\n");
            Line("Brievenbus", "Aantal", "");
            Line("brieven ontvangen", m.LettersReceived, "");
            Line("brieven beantwoord", m.LettersAnswered, "");
            Line("mediane tijd tot antwoord (uren)", m.MedianAnswerHours, "");
            Line("80% beantwoord binnen (uren)", m.P80AnswerHours, "");
            Line("gesloten zonder antwoord (spam, misbruik)", m.Closed, "");
        }
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(sb.ToString())];
    }

    // One rule: counts bare, every text in quotes (labels, dates, percentages alike; "90% wacht korter" was bare before).
    private static string Cell(object? v) => v switch
    {
        null => "",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s when s.Length == 0 => "",
        _ => "\"" + Convert.ToString(v, CultureInfo.InvariantCulture)!.Replace("\"", "\"\"") + "\"",
    };
}
