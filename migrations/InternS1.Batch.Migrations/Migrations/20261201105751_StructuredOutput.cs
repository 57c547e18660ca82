using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InternS1.Batch.Migrations.Migrations
{
    /// <summary>Structured output: <c>results.structured_valid</c> / <c>structured_error</c>, and
    /// <c>dataset_progress</c> with the structured counts (<c>Sql/structured_progress.sql</c>).</summary>
    public partial class StructuredOutput : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "structured_error",
                table: "results",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "structured_valid",
                table: "results",
                type: "boolean",
                nullable: true);

            migrationBuilder.Sql(SqlScripts.Read("structured_progress.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // NOTE: the view first: it reads structured_valid.
            migrationBuilder.Sql(SqlScripts.Read("structured_progress_drop.sql"));

            migrationBuilder.DropColumn(
                name: "structured_error",
                table: "results");

            migrationBuilder.DropColumn(
                name: "structured_valid",
                table: "results");
        }
    }
}
