namespace InternS1.Media.Images;

/// <summary>A tiling canvas of <see cref="Columns"/> x <see cref="Rows"/> tiles (GotOcr2's <c>(width, height)</c> pair).</summary>
public readonly record struct TileGrid(int Columns, int Rows)
{
    /// <summary>Tiles of the grid (thumbnail not included).</summary>
    public int Count => Columns * Rows;

    public override string ToString() => $"{Columns}x{Rows}";
}
