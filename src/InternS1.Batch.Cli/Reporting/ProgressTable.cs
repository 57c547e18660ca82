using InternS1.Batch.Storage.Reporting;
using Spectre.Console;

namespace InternS1.Batch.Cli.Reporting;

/// <summary>Renders dataset progress (and, when given, the rate and ETA of <c>dataset_rates</c>) as a Spectre table; the
/// "structured valid" column: structured answers that validated, of all structured answers.</summary>
public static class ProgressTable
{
    public static Table Render(IReadOnlyList<DatasetProgress> rows, IReadOnlyList<DatasetRate>? rates = null)
    {
        var byDataset = (rates ?? []).ToDictionary(r => r.Dataset, StringComparer.Ordinal);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("dataset").AddColumn(new TableColumn("total").RightAligned())
            .AddColumn(new TableColumn("succeeded").RightAligned()).AddColumn(new TableColumn("failed").RightAligned())
            .AddColumn(new TableColumn("dead_lettered").RightAligned()).AddColumn(new TableColumn("pending").RightAligned())
            .AddColumn(new TableColumn("done").RightAligned()).AddColumn(new TableColumn("jobs/min").RightAligned())
            .AddColumn(new TableColumn("tokens/s").RightAligned()).AddColumn(new TableColumn("eta").RightAligned())
            .AddColumn(new TableColumn("structured valid").RightAligned());
        foreach (var r in rows)
        {
            var done = r.Total == 0 ? 0 : 100.0 * (r.Total - r.Pending) / r.Total;
            var rate = byDataset.GetValueOrDefault(r.Dataset);
            table.AddRow(Markup.Escape(r.Dataset), r.Total.ToString(), $"[green]{r.Succeeded}[/]", r.Failed > 0 ? $"[red]{r.Failed}[/]" : "0",
                r.DeadLettered > 0 ? $"[yellow]{r.DeadLettered}[/]" : "0", r.Pending.ToString(), $"{done:0.0}%",
                RateText.Rate(rate?.JobsPerMinute), RateText.Rate(rate?.OutputTokensPerSecond), RateText.Eta(rate?.EtaSeconds, r.Pending), Structured(r));
        }
        if (rows.Count == 0)
            table.AddRow("[grey](no datasets)[/]", "", "", "", "", "", "", "", "", "", "");
        return table;
    }

    /// <summary>Valid of all structured answers (<c>12/14</c>), or <c>-</c> when the dataset has none.</summary>
    private static string Structured(DatasetProgress r)
    {
        var all = r.StructuredValid + r.StructuredInvalid;
        if (all == 0) return "-";
        return r.StructuredInvalid > 0 ? $"[yellow]{r.StructuredValid}/{all}[/]" : $"[green]{r.StructuredValid}/{all}[/]";
    }
}
