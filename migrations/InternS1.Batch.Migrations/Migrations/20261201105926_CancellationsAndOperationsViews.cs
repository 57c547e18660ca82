using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace InternS1.Batch.Migrations.Migrations
{
    /// <summary>The <c>cancellations</c> table (who cancelled what, when) and the operations views
    /// (<c>Sql/operations_views.sql</c>: dataset_rates, dataset_tokens, dead_letter_messages, job_outputs).</summary>
    public partial class CancellationsAndOperationsViews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "cancellations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    dataset = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    job_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    requested_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    requested_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    jobs_cancelled = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cancellations", x => x.id);
                    table.CheckConstraint("ck_cancellations_target", "(dataset IS NULL) <> (job_id IS NULL)");
                });

            migrationBuilder.CreateIndex(
                name: "ix_cancellations_dataset",
                table: "cancellations",
                column: "dataset");

            migrationBuilder.CreateIndex(
                name: "ix_cancellations_job_id",
                table: "cancellations",
                column: "job_id");

            migrationBuilder.Sql(SqlScripts.Read("operations_views.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlScripts.Read("operations_drop.sql"));

            migrationBuilder.DropTable(
                name: "cancellations");
        }
    }
}
