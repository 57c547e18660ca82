using Microsoft.EntityFrameworkCore;

namespace InternS1.Batch.Storage.Reporting;

/// <summary>Reads the <c>dataset_rates</c> view (<c>interns1 status</c>): the rate comes from SQL, so every
/// client (CLI, dashboard, Grafana) shows the same numbers.</summary>
public sealed class RateReader(IDbContextFactory<InternS1DbContext> contexts)
{
    /// <summary>All datasets (by name), or the one named.</summary>
    public async Task<IReadOnlyList<DatasetRate>> ReadAsync(string? dataset, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
        var rows = db.Database.SqlQuery<DatasetRate>($"SELECT * FROM dataset_rates");
        if (dataset is not null)
            rows = rows.Where(r => r.Dataset == dataset);
        return await rows.OrderBy(r => r.Dataset).ToListAsync(ct).ConfigureAwait(false);
    }
}
