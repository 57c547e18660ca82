namespace InternS1.Batch.Storage.Dashboard;

/// <summary>What the dashboard's login may do: its name, whether it is a superuser, and the tables of the public
/// schema it could change (INSERT, UPDATE, DELETE or TRUNCATE), comma-separated, or null when none.</summary>
public sealed record LoginRights(string User, bool IsSuperuser, string? WritableTables)
{
    /// <summary>True for a login that can change nothing.</summary>
    public bool IsReadOnly => !IsSuperuser && WritableTables is null;
}
