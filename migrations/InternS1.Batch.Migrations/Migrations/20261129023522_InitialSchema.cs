using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace InternS1.Batch.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class InitialSchema : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "datasets",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_datasets", x => x.name);
                    table.CheckConstraint("ck_datasets_name_not_empty", "length(name) > 0");
                });

            migrationBuilder.CreateTable(
                name: "dead_letters",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    job_id = table.Column<string>(type: "text", nullable: false),
                    dataset = table.Column<string>(type: "text", nullable: true),
                    custom_id = table.Column<string>(type: "text", nullable: true),
                    reason_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    message = table.Column<string>(type: "text", nullable: false),
                    exception = table.Column<string>(type: "text", nullable: true),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    source = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    requeued_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dead_letters", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    dataset = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    custom_id = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    deadline = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_jobs", x => x.id);
                    table.CheckConstraint("ck_jobs_status", "status IN ('queued', 'running', 'succeeded', 'failed', 'dead_lettered', 'expired', 'cancelled')");
                    table.ForeignKey(
                        name: "fk_jobs_datasets_dataset",
                        column: x => x.dataset,
                        principalTable: "datasets",
                        principalColumn: "name",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "results",
                columns: table => new
                {
                    job_id = table.Column<string>(type: "character varying(200)", nullable: false),
                    content = table.Column<string>(type: "text", nullable: false),
                    reasoning_content = table.Column<string>(type: "text", nullable: true),
                    tool_calls = table.Column<string>(type: "jsonb", nullable: false, defaultValueSql: "'[]'::jsonb"),
                    finish_reason = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    model = table.Column<string>(type: "text", nullable: false),
                    seed = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_results", x => x.job_id);
                    table.ForeignKey(
                        name: "fk_results_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "token_usage",
                columns: table => new
                {
                    job_id = table.Column<string>(type: "character varying(200)", nullable: false),
                    prompt_tokens = table.Column<int>(type: "integer", nullable: false),
                    image_tokens = table.Column<int>(type: "integer", nullable: false),
                    video_tokens = table.Column<int>(type: "integer", nullable: false),
                    cached_tokens = table.Column<int>(type: "integer", nullable: false),
                    completion_tokens = table.Column<int>(type: "integer", nullable: false),
                    reasoning_tokens = table.Column<int>(type: "integer", nullable: false),
                    queue_ms = table.Column<double>(type: "double precision", nullable: false),
                    prefill_ms = table.Column<double>(type: "double precision", nullable: false),
                    decode_ms = table.Column<double>(type: "double precision", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_token_usage", x => x.job_id);
                    table.CheckConstraint("ck_token_usage_cached_within_prompt", "cached_tokens <= prompt_tokens");
                    table.CheckConstraint("ck_token_usage_media_within_prompt", "image_tokens + video_tokens <= prompt_tokens");
                    table.CheckConstraint("ck_token_usage_reasoning_within_completion", "reasoning_tokens <= completion_tokens");
                    table.ForeignKey(
                        name: "fk_token_usage_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_dead_letters_dataset_reason_code",
                table: "dead_letters",
                columns: new[] { "dataset", "reason_code" });

            migrationBuilder.CreateIndex(
                name: "ux_dead_letters_open_job_id",
                table: "dead_letters",
                column: "job_id",
                unique: true,
                filter: "requeued_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_dataset_status",
                table: "jobs",
                columns: new[] { "dataset", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_finished_at",
                table: "jobs",
                column: "finished_at");

            migrationBuilder.CreateIndex(
                name: "ux_jobs_dataset_custom_id",
                table: "jobs",
                columns: new[] { "dataset", "custom_id" },
                unique: true,
                filter: "status <> 'dead_lettered'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dead_letters");

            migrationBuilder.DropTable(
                name: "results");

            migrationBuilder.DropTable(
                name: "token_usage");

            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.DropTable(
                name: "datasets");
        }
    }
}
