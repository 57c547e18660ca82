namespace InternS1.Media.Images;

/// <summary>
/// Intern-S1's dynamic high-resolution tiling: the grid choice of GotOcr2's <c>get_optimal_tiled_canvas</c>
/// (= InternVL <c>dynamic_preprocess</c> with GotOcr2's candidate order).
/// </summary>
public static class DynamicTiling
{
    /// <summary>
    /// Candidate grids: <c>for cols in 1..max: for rows in 1..max</c>, kept when <c>min &lt;= cols*rows &lt;= max</c>,
    /// then stable-sorted by <c>cols*rows</c>.
    /// </summary>
    public static IReadOnlyList<TileGrid> CandidateGrids(int minTiles, int maxTiles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minTiles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTiles, minTiles);
        var grids = new List<TileGrid>();
        for (var cols = 1; cols <= maxTiles; cols++)
            for (var rows = 1; rows <= maxTiles; rows++)
                if (cols * rows >= minTiles && cols * rows <= maxTiles)
                    grids.Add(new TileGrid(cols, rows));
        // NOTE: OrderBy is stable, like Python's sorted().
        return grids.OrderBy(g => g.Count).ToList();
    }

    /// <summary>
    /// The grid for an image of <paramref name="width"/> x <paramref name="height"/>: the candidate minimising
    /// <c>|W/H - cols/rows|</c>; on an exact tie a later candidate replaces the best iff
    /// <c>W*H &gt; 0.5 * tile^2 * cols*rows</c> (arithmetic in doubles, as in the Python reference).
    /// </summary>
    public static TileGrid ChooseGrid(int width, int height, int minTiles, int maxTiles, int tileSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var aspect = (double)width / height;
        var area = (double)width * height;
        var best = new TileGrid(1, 1);
        var bestDiff = double.PositiveInfinity;
        foreach (var grid in CandidateGrids(minTiles, maxTiles))
        {
            var diff = Math.Abs(aspect - (double)grid.Columns / grid.Rows);
            if (diff < bestDiff)
            {
                bestDiff = diff;
                best = grid;
            }
            else if (diff == bestDiff && area > 0.5 * tileSize * tileSize * grid.Columns * grid.Rows)
            {
                best = grid;
            }
        }
        return best;
    }
}
