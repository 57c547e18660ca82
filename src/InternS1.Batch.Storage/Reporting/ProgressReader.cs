using Microsoft.EntityFrameworkCore;

namespace InternS1.Batch.Storage.Reporting;

/// <summary>Reads the <c>dataset_progress</c> view (<c>interns1 status</c>, the submit summary).</summary>
public sealed class ProgressReader(IDbContextFactory<InternS1DbContext> contexts)
{
    /// <summary>All datasets (by name), or the one named.</summary>
    public async Task<IReadOnlyList<DatasetProgress>> ReadAsync(string? dataset, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
        // NOTE: the view belongs to the migrations' SQL, not to the EF model, so it is read as an
        // unmapped type; the naming convention maps its snake_case columns to the properties.
        var rows = db.Database.SqlQuery<DatasetProgress>($"SELECT * FROM dataset_progress");
        if (dataset is not null)
            rows = rows.Where(r => r.Dataset == dataset);
        return await rows.OrderBy(r => r.Dataset).ToListAsync(ct).ConfigureAwait(false);
    }
}
