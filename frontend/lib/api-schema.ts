// Generated from the API's OpenAPI by scripts/gen-api.mjs (npm run gen:api). Do not edit.
export interface paths {
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The API's root: a small index (or the web console, for a browser) */
        get: operations["index__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agents/library": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The built-in agent types
         * @description Each type with a default config that works as is, its schemas and its tools.
         */
        get: operations["library_agents_library_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agents/{agent_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an agent */
        get: operations["get_agent_agents__agent_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agents/{agent_id}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an agent's config */
        get: operations["get_agent_config_agents__agent_id__config_get"];
        /**
         * Replace an agent's config
         * @description The whole config is replaced; unknown fields are rejected (422).
         */
        put: operations["put_agent_config_agents__agent_id__config_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/agents/{agent_id}/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Validate an agent's config
         * @description ``{valid, errors[], warnings[]}``; each issue's ``path`` is a JSON pointer.
         */
        post: operations["validate_agent_config_agents__agent_id__validate_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List apps
         * @description Apps as a JSON array (what the web console expects); the total is in ``X-Total-Count``
         *     and, when more follow, ``X-Next-Cursor`` (and a ``Link: rel="next"``) continues the list.
         */
        get: operations["list_apps_apps_get"];
        put?: never;
        /**
         * Create an app
         * @description A new app starts as a ``draft`` at version ``1.0.0``, owned by a team of the caller.
         *
         *     409 when the team already has an app of that name (the answer names it).
         */
        post: operations["create_app_apps_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an app */
        get: operations["get_app_apps__app_id__get"];
        put?: never;
        post?: never;
        /** Delete an app with its agents, orchestration and releases */
        delete: operations["delete_app_apps__app_id__delete"];
        options?: never;
        head?: never;
        /**
         * Update an app's name or description
         * @description Only the fields sent change; ``null`` leaves a field as it is.
         */
        patch: operations["update_app_apps__app_id__patch"];
        trace?: never;
    };
    "/apps/{app_id}/agents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an app's agents */
        get: operations["list_agents_apps__app_id__agents_get"];
        put?: never;
        /**
         * Add an agent to an app
         * @description ``config`` may be omitted for built-in types: the library's default is used.
         */
        post: operations["create_agent_apps__app_id__agents_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Archive an app (read-only, cannot run or deploy)
         * @description ``draft`` or ``deployed`` → ``archived``; the app's schedules are paused.
         */
        post: operations["archive_apps__app_id__archive_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/batches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List an app's batches
         * @description Newest first, with counts (items: GET /batches/{id}).
         */
        get: operations["list_batches_apps__app_id__batches_get"];
        put?: never;
        /**
         * Start a batch of runs
         * @description Runs the app's deployed release once per item — `items` (each with its `inputs`),
         *     or every document of a zip `archive` (an `artifact://` uploaded with POST /artifacts)
         *     passed as the run input `input_field` — at most `max_concurrency` at once, and starts
         *     no further item once the items' cost reaches `max_cost_usd`. An item whose inputs
         *     the release cannot take fails with the run-start message; the rest run. Follow it
         *     with GET /batches/{id}.
         */
        post: operations["create_batch_apps__app_id__batches_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/datasets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an app's datasets (every version, items left out) */
        get: operations["list_datasets_apps__app_id__datasets_get"];
        put?: never;
        /**
         * Create a dataset (or the next version of one with the same name)
         * @description Items of run ``inputs`` with ``expected`` values by ``<output>.<field path>``.
         *
         *     A name the app already has gets its next version (a new id); versions are immutable
         *     once an evaluation used them.
         */
        post: operations["create_dataset_apps__app_id__datasets_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/deploy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deploy: compile the orchestration and pin a release
         * @description ``draft`` → ``deployed`` at 1.0.0; each redeploy bumps the minor version.
         *
         *     409 when the app is archived or has no orchestration; 422 with the compiler's
         *     errors when the orchestration is invalid. With a release gate (``PUT
         *     /apps/{id}/gate``) the candidate is evaluated first and a 409 carries the report
         *     when it scores under ``min_score`` or a field drops by more than ``max_field_drop``
         *     against the deployed release; ``?force=true`` deploys anyway and is audited, and
         *     the release it deployed is still evaluated on the gate's dataset (not awaited; the
         *     ``X-Evaluation-Id`` header and the audit entry ``app.deploy.forced`` link it).
         */
        post: operations["deploy_apps__app_id__deploy_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/evaluations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an app's evaluations, newest first */
        get: operations["list_evaluations_apps__app_id__evaluations_get"];
        put?: never;
        /**
         * Evaluate a release on a dataset
         * @description Runs every item of the dataset through the release (``deployed``, ``draft`` or a
         *     version) as ordinary runs tagged with the evaluation (left out of production metrics),
         *     a few at a time, and scores each field (code scorers; an LLM judge for the fields
         *     ``judge`` names, when given). A durable workflow drives it: it goes on when the API
         *     stops. Answers at once; follow it with ``GET /evaluations/{id}``.
         */
        post: operations["start_evaluation_apps__app_id__evaluations_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/gate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get the app's release gate */
        get: operations["get_gate_apps__app_id__gate_get"];
        /**
         * Set the app's release gate
         * @description From now on ``POST /apps/{id}/deploy`` evaluates the candidate on the dataset first
         *     and refuses (409, with the report) a score under ``min_score`` or a field dropping by
         *     more than ``max_field_drop`` against the deployed release.
         */
        put: operations["put_gate_apps__app_id__gate_put"];
        post?: never;
        /** Remove the app's release gate */
        delete: operations["delete_gate_apps__app_id__gate_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/releases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List an app's releases, newest first
         * @description Each deploy's release: version, when and by whom, the orchestration and plan hashes,
         *     and each agent's model and pinned prompt versions. Keyset paging on (time, id).
         */
        get: operations["list_releases_apps__app_id__releases_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/releases/{release_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one release with its orchestration as YAML */
        get: operations["get_release_apps__app_id__releases__release_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start a run
         * @description Start a run of the app's deployed release (or, with ``draft``, of its current config).
         *
         *     Answers at once with the run id; follow it with ``GET /runs/{run_id}``.
         */
        post: operations["start_run_apps__app_id__runs_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List an app's schedules
         * @description Every schedule of the app, oldest first, with its state and next fire times.
         */
        get: operations["list_schedules_apps__app_id__schedules_get"];
        put?: never;
        /**
         * Create a schedule of runs
         * @description A cron (`"0 7 * * MON"`) or `interval_seconds` schedule in `timezone` that runs the
         *     app's deployed release (as deployed at each fire time) with `inputs`. `overlap` says
         *     what happens when a fire comes while the previous run still runs (`skip`,
         *     `buffer_one`, `allow_all`); `catchup_window_seconds` how late a missed fire may still
         *     run. Answers with the id and the next fire times; an invalid cron is a 422 naming the
         *     position.
         */
        post: operations["create_schedule_apps__app_id__schedules_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/apps/{app_id}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an app's webhooks */
        get: operations["list_webhooks_apps__app_id__webhooks_get"];
        put?: never;
        /**
         * Create a signed webhook
         * @description A URL that starts a run of the app for each signed event posted to it; the body
         *     is mapped to run inputs by `input_mapping` (run input → JSON pointer). The answer
         *     carries the `secret` — shown this once only.
         */
        post: operations["create_webhook_apps__app_id__webhooks_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/artifacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List uploaded artifacts, newest first
         * @description Documents uploaded through ``POST /artifacts`` by the caller's teams (the engine's
         *     own outputs are reached from their runs, not listed).
         */
        get: operations["list_artifacts_artifacts_get"];
        put?: never;
        /**
         * Upload an artifact
         * @description Store a document (multipart field ``file``); pass its ``uri`` as a run input.
         *
         *     ``media_type`` is detected from the content (PDF, PNG, JPEG, TIFF, ZIP, gzip, plain
         *     text, else ``application/octet-stream``), whatever the file name or the part's
         *     Content-Type say; the latter is kept as ``declared_media_type``.
         *
         *     The artifact belongs to the uploader's first team; other teams get 404 for it.
         */
        post: operations["upload_artifact_artifacts_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/artifacts/{artifact_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download an artifact
         * @description The artifact's bytes with its media type and file name.
         */
        get: operations["get_artifact_artifacts__artifact_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List audit events, newest first
         * @description Admins of some teams see those teams' events; all-teams admins see everything.
         */
        get: operations["list_audit_events_audit_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List service accounts (API keys) */
        get: operations["list_keys_auth_keys_get"];
        put?: never;
        /**
         * Create a service account; its API key is returned this once
         * @description Only the key's hash is stored: keep ``api_key`` safe, it cannot be shown again.
         */
        post: operations["create_key_auth_keys_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a service account's key (its tokens stop working at once) */
        delete: operations["revoke_key_auth_keys__key_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who the current token says you are */
        get: operations["me_auth_me_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/oidc": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether sign-in with an external OIDC issuer is offered, and where
         * @description ``enabled: false`` unless ``HUB_OIDC_ISSUER`` and ``HUB_OIDC_CLIENT_ID`` are set.
         */
        get: operations["oidc_config_auth_oidc_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/oidc/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Redeem an authorization code (PKCE) for the hub's own tokens
         * @description The code is redeemed at the issuer, its ID token verified (JWKS, issuer, audience =
         *     client id, expiry, nonce) and its claims mapped to a role and teams; the answer is the
         *     same token pair as ``POST /auth/token``'s, renewed with ``POST /auth/refresh``.
         */
        post: operations["oidc_token_auth_oidc_token_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Renew tokens with a refresh token (the old refresh token is revoked)
         * @description Refresh tokens are single-use: each refresh returns a new pair.
         */
        post: operations["refresh_token_auth_refresh_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Revoke an access or refresh token
         * @description Your own tokens; admins may revoke anyone's. An unknown token is 404.
         */
        post: operations["revoke_token_auth_revoke_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange an API key for an access and a refresh token
         * @description The access token is short-lived; renew it with ``POST /auth/refresh``.
         */
        post: operations["issue_token_auth_token_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batches/{batch_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a batch: status, counts and a page of its items
         * @description `status` (running, completed, failed, canceled), `counts` (total, pending, running,
         *     completed, failed, canceled) and the items from `offset`, each with its run id,
         *     status, error and cost; `?status=failed` lists only those.
         */
        get: operations["get_batch_batches__batch_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batches/{batch_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a batch
         * @description No further item starts; running items are cancelled.
         */
        post: operations["cancel_batch_batches__batch_id__cancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batches/{batch_id}/results.csv": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The batch's results as CSV
         * @description One row per item: `position`, `run_id`, `status`, `error`, `cost_usd`, its inputs
         *     (`input.<name>`) and its outputs' fields flattened (`<step>.<output>.<field>`).
         */
        get: operations["batch_results_csv_batches__batch_id__results_csv_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batches/{batch_id}/results.jsonl": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The batch's results as JSON lines
         * @description One JSON object per line and item: position, run id, status, error, cost, inputs
         *     and flattened outputs.
         */
        get: operations["batch_results_jsonl_batches__batch_id__results_jsonl_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/batches/{batch_id}/retry-failed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run a finished batch's failed items again
         * @description Each failed item runs again as a new run (409 while the batch runs, or when
         *     nothing failed).
         */
        post: operations["retry_failed_batches__batch_id__retry_failed_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/codec/decode": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Decode (decrypt) payloads for the Temporal Web UI or CLI */
        post: operations["decode_payloads_codec_decode_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/codec/encode": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Encode (encrypt) payloads for the Temporal Web UI or CLI */
        post: operations["encode_payloads_codec_encode_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/datasets/{dataset_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a dataset version with its items */
        get: operations["get_dataset_datasets__dataset_id__get"];
        /**
         * Replace the items of a dataset version no evaluation used yet
         * @description 409 once an evaluation used the version: POST a new version with the same name.
         */
        put: operations["update_dataset_datasets__dataset_id__put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/evaluations/{evaluation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an evaluation: status, score, per-field scores, per-item results */
        get: operations["get_evaluation_evaluations__evaluation_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/evaluations/{evaluation_id}/compare/{other_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Compare two evaluations field by field, regressions first
         * @description In either order: the evaluation of the older release is the baseline (by version;
         *     a draft comes after the release it starts from; the same release: the older
         *     evaluation), the other the candidate. Deltas are candidate − baseline; fields that
         *     dropped come first, worst first, then item-level drops.
         */
        get: operations["compare_evaluations_evaluations__evaluation_id__compare__other_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: the process is up
         * @description Always ``ok`` while the process serves requests.
         */
        get: operations["health_health_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hooks/{webhook_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Deliver a signed event (no platform token: the signature is the credential)
         * @description Checks `Hub-Timestamp` (unix seconds, within 300 s) and `Hub-Signature:
         *     v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>` (401, nothing started, when
         *     either is wrong), maps the JSON body to run inputs by the webhook's pointers (422
         *     naming a pointer that matches nothing) and starts a run: 202 with its id. A repeated
         *     `Idempotency-Key` (or mapped event id) returns the run the first delivery started.
         */
        post: operations["deliver_hooks__webhook_id__post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/observability/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get platform metrics
         * @description Runs by status, success rate, duration percentiles, per agent type calls,
         *     failures, retries, latency, tokens, cost, violations and task-queue backlog, for
         *     the platform, an app or an agent type (default window: the last 24 hours).
         */
        get: operations["get_metrics_observability_metrics_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/observability/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List execution runs
         * @description Runs newest first (runs started by schedules and the Temporal CLI too), each with
         *     status, timings, step counts, tokens, cost, the Web UI link and what started it,
         *     from the hub's runs table kept in step with Temporal (a run's end is recorded by
         *     its workflow; terminations within ``HUB_METRICS_TEMPORAL_MAX_AGE_SECONDS``). The
         *     cursor is a keyset: runs that start while you page do not shift your pages. Runs of
         *     evaluations are production-free: listed only with ``include_evaluations``.
         */
        get: operations["list_runs_observability_runs_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/observability/traces/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get run traces
         * @description The run as spans: the run, each step (activity), and each attempt of it, read
         *     from the workflow history (running runs included) plus the recorded step results.
         */
        get: operations["get_trace_observability_traces__run_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/observability/violations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List schema violations
         * @description Output-schema violations agents reported, newest first.
         *
         *     Warnings (``severity: warning``) say a step completed with a field missing, e.g. a
         *     figure not found in the document.
         */
        get: operations["list_violations_observability_violations_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orchestration/{app_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get an app's orchestration */
        get: operations["get_orchestration_orchestration__app_id__get"];
        /**
         * Create or replace an app's orchestration (JSON or YAML)
         * @description Stores the spec (YAML text is kept as written, so export returns it unchanged).
         *
         *     References between steps and agents are checked by ``validate`` and at deploy,
         *     so a work-in-progress orchestration can be saved. With ``If-Match`` (the ETag of
         *     a GET), a spec changed by someone else since is refused with 412; without it the
         *     spec is replaced, as the platform document's clients expect.
         */
        put: operations["put_orchestration_orchestration__app_id__put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orchestration/{app_id}/draft": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get the builder's draft orchestration (ETag: its version)
         * @description The draft as last saved, or (version 0) the stored orchestration when none was saved.
         *
         *     ``deployed`` is the release that runs now, as YAML, for the deploy diff.
         */
        get: operations["get_draft_orchestration__app_id__draft_get"];
        /**
         * Save the builder's draft (If-Match required; 412 with the current draft if stale)
         * @description Saves any text (a draft may not parse yet), never over someone else's save.
         *
         *     ``If-Match`` must carry the ETag of the draft the edit started from (``"d-0"`` when
         *     none was saved). A stale one answers 412 with the current draft, so the editor can
         *     offer to reload or merge; nothing is overwritten silently.
         */
        put: operations["put_draft_orchestration__app_id__draft_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orchestration/{app_id}/export-yaml": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Export the orchestration as YAML */
        get: operations["export_yaml_orchestration__app_id__export_yaml_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orchestration/{app_id}/validate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Validate an orchestration against the app's agents
         * @description Parses and compiles the spec; problems come back in the report (never as 422).
         *
         *     Each problem names the step (``step_id``) or edge (``edge``) it concerns, and
         *     ``edges`` says for every binding whether the upstream output fits the input.
         */
        post: operations["validate_orchestration_orchestration__app_id__validate_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/prompts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List prompts
         * @description Prompts ordered by name, with their newest version number.
         */
        get: operations["list_prompts_prompts_get"];
        put?: never;
        /**
         * Register a prompt version
         * @description Register ``template`` as the next version of ``name`` (version 1 creates the prompt).
         */
        post: operations["register_prompt_prompts_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/prompts/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Show a prompt with its versions and aliases
         * @description Every version (newest first) with its template, commit message and aliases.
         */
        get: operations["get_prompt_prompts__name__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/prompts/{name}/aliases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Create or move an alias
         * @description Point ``alias`` at ``version``. Releases already deployed keep their pinned versions.
         */
        put: operations["set_prompt_alias_prompts__name__aliases_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/prompts/{name}/aliases/{alias}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete an alias */
        delete: operations["delete_prompt_alias_prompts__name__aliases__alias__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/prompts/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Show one prompt version */
        get: operations["get_prompt_version_prompts__name__versions__version__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness: the database is reachable
         * @description ``ready`` when a query on the database succeeds, else 503.
         */
        get: operations["ready_ready_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{run_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a run
         * @description Status (running, completed, failed, canceled, terminated, timed_out), per-step
         *     progress and, once finished, every step's outputs.
         */
        get: operations["get_run_runs__run_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{run_id}/approvals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve or reject a waiting step
         * @description Deliver a human decision to an approval step; the payload is checked against the
         *     step's input schema before it is recorded.
         */
        post: operations["approve_step_runs__run_id__approvals_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{run_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a run
         * @description Ask the run to stop; in-flight agent calls are cancelled.
         */
        post: operations["cancel_run_runs__run_id__cancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{run_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stream a run's step events (Server-Sent Events)
         * @description Follow a run live: events arrive while it is in flight; the stream ends with the
         *     run's terminal event (a finished run answers its whole event list at once).
         */
        get: operations["run_events_runs__run_id__events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{run_id}/rerun": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-run from a step
         * @description Re-run from ``from_step`` (Temporal reset): steps before it keep their recorded
         *     results and are neither executed nor paid for again.
         *
         *     Any step that started can be a starting point, approval steps included (the run then
         *     waits for a new decision). A ``foreach`` item, a skipped step or one that never started
         *     is a 422 saying why, with the steps that can.
         */
        post: operations["rerun_runs__run_id__rerun_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{schedule_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a schedule */
        get: operations["get_schedule_schedules__schedule_id__get"];
        put?: never;
        post?: never;
        /**
         * Delete a schedule
         * @description Stops future fires; runs it already started go on.
         */
        delete: operations["delete_schedule_schedules__schedule_id__delete"];
        options?: never;
        head?: never;
        /**
         * Change a schedule
         * @description Change any field; the others keep their values. Giving `cron` drops the interval
         *     and giving `interval_seconds` drops the cron.
         */
        patch: operations["update_schedule_schedules__schedule_id__patch"];
        trace?: never;
    };
    "/schedules/{schedule_id}/backfill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run the fires of a past time range
         * @description Runs now every fire the schedule would have had in `[start_time, end_time)`
         *     (`overlap` default `allow_all`, so they all run).
         */
        post: operations["backfill_schedule_schedules__schedule_id__backfill_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{schedule_id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a schedule */
        post: operations["pause_schedule_schedules__schedule_id__pause_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{schedule_id}/trigger": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Fire a schedule now
         * @description Starts one run now, whatever the overlap policy and even when paused; it shows in
         *     `recent_runs` once Temporal has started it.
         */
        post: operations["trigger_schedule_schedules__schedule_id__trigger_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{schedule_id}/unpause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Unpause a schedule
         * @description 409 while the app is archived (archiving paused it).
         */
        post: operations["unpause_schedule_schedules__schedule_id__unpause_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schemas": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List registered schemas
         * @description Names ordered alphabetically, each with its newest version; ``total`` over all pages.
         */
        get: operations["list_schemas_schemas_get"];
        put?: never;
        /**
         * Register a schema version
         * @description Register ``schema`` as the next version of ``name`` (version 1 creates the name).
         *
         *     The schema must be a valid JSON Schema 2020-12 (422 at ``/schema`` otherwise).
         */
        post: operations["register_schema_schemas_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schemas/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Show a schema with its versions
         * @description Every version, newest first, with its schema, description and author.
         */
        get: operations["get_schema_schemas__name__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schemas/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Show one schema version */
        get: operations["get_schema_version_schemas__name__versions__version__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/settings/prices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The price table in effect
         * @description Dollars per million input and output tokens per provider and model; a step's cost is
         *     priced with it when its agent reports tokens but no cost.
         */
        get: operations["get_prices_settings_prices_get"];
        /** Replace the price table (platform admins, audited) */
        put: operations["put_prices_settings_prices_put"];
        post?: never;
        /** Go back to the price file (platform admins, audited) */
        delete: operations["reset_prices_settings_prices_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/{webhook_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a webhook (never its secret) */
        get: operations["get_webhook_webhooks__webhook_id__get"];
        put?: never;
        post?: never;
        /** Delete a webhook */
        delete: operations["delete_webhook_webhooks__webhook_id__delete"];
        options?: never;
        head?: never;
        /** Change a webhook's mapping, idempotency pointer, rate limit or note */
        patch: operations["update_webhook_webhooks__webhook_id__patch"];
        trace?: never;
    };
    "/webhooks/{webhook_id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate a webhook's secret (the old one stays valid for an overlap)
         * @description A new secret, shown once; the previous one keeps verifying events for
         *     `overlap_seconds` (default 3600; 0 ends it at once) so senders can switch over.
         */
        post: operations["rotate_secret_webhooks__webhook_id__rotate_secret_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * AgentConfig
         * @description How an agent runs: model, prompts, schemas, tools and memory.
         */
        AgentConfig: {
            /**
             * Dispatch
             * @description `remote` runs on the agent's own task queue; `local` as a local activity.
             * @default remote
             * @enum {string}
             */
            dispatch?: "remote" | "local";
            memory?: components["schemas"]["MemoryConfig"];
            model: components["schemas"]["ModelConfig"];
            prompts: components["schemas"]["PromptConfig"];
            schemas?: components["schemas"]["SchemaConfig"];
            /** Tools */
            tools?: components["schemas"]["ToolConfig"][];
        };
        /**
         * AgentCreate
         * @description Body of ``POST /apps/{app_id}/agents`` (the platform document's "Create Agent").
         */
        AgentCreate: {
            /**
             * Category
             * @default general
             */
            category?: string;
            /** @description Omitted: the library's default config for built-in types. */
            config?: components["schemas"]["AgentConfig"] | null;
            /**
             * Description
             * @default
             */
            description?: string;
            /** Name */
            name: string;
            /**
             * Type
             * @example extractor
             */
            type: string;
            /**
             * Type Category
             * @default function
             */
            type_category?: string;
        };
        /** AgentPublic */
        AgentPublic: {
            /** App Id */
            app_id: string;
            /** Category */
            category: string;
            config: components["schemas"]["AgentConfig"];
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Description */
            description: string;
            /**
             * Id
             * @example agent-9c1d2e3f4a5b
             */
            id: string;
            /** Name */
            name: string;
            /** Type */
            type: string;
            /** Type Category */
            type_category: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /** AgentTypeMetrics */
        AgentTypeMetrics: {
            /** Agent Type */
            agent_type: string;
            /**
             * Backlog
             * @description Approximate backlog of the agent task queue (DescribeTaskQueue); null when Temporal could not say.
             */
            backlog?: number | null;
            /**
             * Calls
             * @default 0
             */
            calls?: number;
            /**
             * Cost Usd
             * @default 0
             */
            cost_usd?: number;
            /**
             * Failures
             * @default 0
             */
            failures?: number;
            /**
             * Input Tokens
             * @default 0
             */
            input_tokens?: number;
            /** Latency P50 Ms */
            latency_p50_ms?: number | null;
            /** Latency P95 Ms */
            latency_p95_ms?: number | null;
            /**
             * Output Tokens
             * @default 0
             */
            output_tokens?: number;
            /**
             * Retries
             * @default 0
             */
            retries?: number;
            /**
             * Schema Violations
             * @default 0
             */
            schema_violations?: number;
            /** Task Queue */
            task_queue: string;
        };
        /**
         * ApiIndex
         * @description The API's root: what it is and where its public pages are.
         */
        ApiIndex: {
            /**
             * Console
             * @description The web console, when this server serves one.
             */
            console?: string | null;
            /**
             * Docs
             * @description Swagger UI.
             */
            docs: string;
            /**
             * Health
             * @description Liveness probe.
             */
            health: string;
            /** Name */
            name: string;
            /**
             * Openapi
             * @description The OpenAPI document.
             */
            openapi: string;
            /**
             * Ready
             * @description Readiness probe.
             */
            ready: string;
            /**
             * Redoc
             * @description ReDoc.
             */
            redoc: string;
            /**
             * Token
             * @description Exchange an API key for a bearer token (POST).
             */
            token: string;
            /** Version */
            version: string;
        };
        /**
         * AppCreate
         * @description Body of ``POST /apps`` (the platform document's "Create App").
         */
        AppCreate: {
            /**
             * Description
             * @default
             */
            description?: string;
            /**
             * Name
             * @example Credit Memo Processor
             */
            name: string;
            /**
             * Team Id
             * @description Owner team; one of the caller's teams (default: the caller's first team).
             */
            team_id?: string | null;
        };
        /**
         * AppPublic
         * @description An app as the API returns it.
         */
        AppPublic: {
            /** Agent Count */
            agent_count: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Description */
            description: string;
            /**
             * Id
             * @example app-3f2c9a1b7d4e
             */
            id: string;
            /** Name */
            name: string;
            /**
             * Status
             * @enum {string}
             */
            status: "draft" | "deployed" | "archived";
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /**
             * Version
             * @description Semantic version; deploy bumps it.
             * @example 1.0.0
             */
            version: string;
        };
        /**
         * AppUpdate
         * @description Body of ``PATCH /apps/{id}``: every field optional.
         */
        AppUpdate: {
            /** Description */
            description?: string | null;
            /** Name */
            name?: string | null;
        };
        /**
         * ApprovalDecision
         * @description Body of ``POST /runs/{run_id}/approvals`` and the workflow's ``approve`` update.
         */
        ApprovalDecision: {
            /**
             * Approved
             * @default true
             */
            approved?: boolean;
            /**
             * Approver
             * @default
             */
            approver?: string;
            /**
             * Comment
             * @default
             */
            comment?: string;
            /** Payload */
            payload?: {
                [key: string]: unknown;
            };
            /** Step Id */
            step_id: string;
        };
        /**
         * ArtifactListItem
         * @description An uploaded artifact as ``GET /artifacts`` lists it.
         */
        ArtifactListItem: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Created By */
            created_by: string;
            /**
             * Filename
             * @description `null` for uploads made before the list existed.
             */
            filename?: string | null;
            /** Id */
            id: string;
            /** Media Type */
            media_type?: string | null;
            /** Size */
            size?: number | null;
            /** Uri */
            uri: string;
        };
        /**
         * ArtifactRef
         * @description A stored artifact; ``POST /artifacts`` answers this.
         */
        ArtifactRef: {
            /**
             * Declared Media Type
             * @description The Content-Type the uploading client declared, if any.
             */
            declared_media_type?: string | null;
            /**
             * Filename
             * @default
             */
            filename?: string;
            /**
             * Id
             * @example art-5f0c3a9e2b7d4c1e8f6a0b3c9d2e7f41
             */
            id: string;
            /**
             * Media Type
             * @description Detected from the content at upload (never from the file name or the client's Content-Type).
             * @default application/octet-stream
             */
            media_type?: string;
            /** Sha256 */
            sha256: string;
            /** Size */
            size: number;
            /**
             * Uri
             * @example artifact://art-5f0c3a9e2b7d4c1e8f6a0b3c9d2e7f41
             */
            uri: string;
        };
        /**
         * AuditEventPublic
         * @description One audit-trail entry.
         */
        AuditEventPublic: {
            /** Action */
            action: string;
            /** Actor */
            actor: string;
            /** After */
            after?: {
                [key: string]: unknown;
            } | null;
            /**
             * At
             * Format: date-time
             */
            at: string;
            /** Before */
            before?: {
                [key: string]: unknown;
            } | null;
            /** Id */
            id: number;
            /** Object Id */
            object_id?: string | null;
            /** Object Type */
            object_type: string;
            /** Team Id */
            team_id?: string | null;
        };
        /** BatchCounts */
        BatchCounts: {
            /**
             * Canceled
             * @default 0
             */
            canceled?: number;
            /**
             * Completed
             * @default 0
             */
            completed?: number;
            /**
             * Failed
             * @default 0
             */
            failed?: number;
            /**
             * Pending
             * @default 0
             */
            pending?: number;
            /**
             * Running
             * @default 0
             */
            running?: number;
            /**
             * Total
             * @default 0
             */
            total?: number;
        };
        /**
         * BatchCreate
         * @description Body of ``POST /apps/{id}/batches``: ``items``, or ``archive`` (a zip artifact)
         *     with ``input_field``.
         */
        BatchCreate: {
            /**
             * Archive
             * @example artifact://art-…
             */
            archive?: string | null;
            /**
             * Input Field
             * @default document
             */
            input_field?: string;
            /**
             * Inputs
             * @description Inputs every item gets (an item's own win).
             */
            inputs?: {
                [key: string]: unknown;
            };
            /** Items */
            items?: components["schemas"]["BatchItemCreate"][] | null;
            /**
             * Max Concurrency
             * @default 8
             */
            max_concurrency?: number;
            /** Max Cost Usd */
            max_cost_usd?: number | null;
        };
        /** BatchItemCreate */
        BatchItemCreate: {
            /** Inputs */
            inputs?: {
                [key: string]: unknown;
            };
        };
        /** BatchItemPublic */
        BatchItemPublic: {
            /**
             * Cost Usd
             * @default 0
             */
            cost_usd?: number;
            /** Error */
            error?: string | null;
            /** Inputs */
            inputs?: {
                [key: string]: unknown;
            };
            /** Position */
            position: number;
            /** Run Id */
            run_id?: string | null;
            /**
             * Status
             * @enum {string}
             */
            status: "pending" | "running" | "completed" | "failed" | "canceled";
        };
        /** BatchPublic */
        BatchPublic: {
            /** App Id */
            app_id: string;
            /** Batch Id */
            batch_id: string;
            /**
             * Cost Usd
             * @default 0
             */
            cost_usd?: number;
            counts: components["schemas"]["BatchCounts"];
            /** Created At */
            created_at?: string | null;
            /** Ended At */
            ended_at?: string | null;
            /** Error */
            error?: string | null;
            /** Items */
            items?: components["schemas"]["BatchItemPublic"][];
            /**
             * Items Limit
             * @default 100
             */
            items_limit?: number;
            /**
             * Items Offset
             * @default 0
             */
            items_offset?: number;
            /** Max Concurrency */
            max_concurrency: number;
            /** Max Cost Usd */
            max_cost_usd?: number | null;
            /**
             * Results Csv
             * @default
             */
            results_csv?: string;
            /**
             * Results Jsonl
             * @default
             */
            results_jsonl?: string;
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "completed" | "failed" | "canceled";
        };
        /** BatchStarted */
        BatchStarted: {
            /** App Id */
            app_id: string;
            /** Batch Id */
            batch_id: string;
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "completed" | "failed" | "canceled";
            /** Total */
            total: number;
        };
        /** Body_upload_artifact_artifacts_post */
        Body_upload_artifact_artifacts_post: {
            /** File */
            file: string;
        };
        /**
         * CodecPayload
         * @description One ``temporal.api.common.v1.Payload``: metadata values and data base64-encoded.
         */
        CodecPayload: {
            /**
             * Data
             * @default
             */
            data?: string;
            /** Metadata */
            metadata?: {
                [key: string]: string;
            };
        };
        /**
         * CodecPayloads
         * @description What ``POST /codec/encode`` and ``/codec/decode`` take and return.
         */
        CodecPayloads: {
            /** Payloads */
            payloads?: components["schemas"]["CodecPayload"][];
        };
        /** DailyCost */
        DailyCost: {
            /** App Id */
            app_id: string;
            /** Cost Usd */
            cost_usd: number;
            /** Day */
            day: string;
            /** Tokens */
            tokens: number;
        };
        /**
         * DatasetCreate
         * @description Body of ``POST /apps/{id}/datasets``; a name already used makes its next version.
         */
        DatasetCreate: {
            /**
             * Description
             * @default
             */
            description?: string;
            /** Items */
            items: components["schemas"]["DatasetItem"][];
            /** Name */
            name: string;
        };
        /**
         * DatasetItem
         * @description One case: the run's inputs and what its outputs should hold.
         */
        DatasetItem: {
            /**
             * Expected
             * @description `"<output>.<field path>"` → a value (exact), `{"value": v, "tolerance": t}`, `{"present": true}`, `{"one_of": [...]}`, `{"text": "..."}` or `{"set": [...]}`.
             */
            expected: {
                [key: string]: unknown;
            };
            /**
             * Inputs
             * @description The run's inputs.
             */
            inputs?: {
                [key: string]: unknown;
            };
        };
        /** DatasetPublic */
        DatasetPublic: {
            /** App Id */
            app_id: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Created By
             * @default
             */
            created_by?: string;
            /**
             * Description
             * @default
             */
            description?: string;
            /** Id */
            id: string;
            /**
             * Item Count
             * @default 0
             */
            item_count?: number;
            /** Items */
            items?: components["schemas"]["DatasetItem"][];
            /**
             * Locked
             * @default false
             */
            locked?: boolean;
            /** Mlflow Dataset Id */
            mlflow_dataset_id?: string | null;
            /** Name */
            name: string;
            /**
             * Storage
             * @default database
             * @enum {string}
             */
            storage?: "database" | "mlflow";
            /** Version */
            version: number;
        };
        /**
         * DatasetUpdate
         * @description Body of ``PUT /datasets/{id}``: replaces the items of a version no evaluation used.
         */
        DatasetUpdate: {
            /** Description */
            description?: string | null;
            /** Items */
            items: components["schemas"]["DatasetItem"][];
        };
        /**
         * DeployedRelease
         * @description The release that runs now, as YAML (the stored text when it is what was deployed).
         */
        DeployedRelease: {
            /** Release Id */
            release_id: string;
            /** Version */
            version: string;
            /** Yaml */
            yaml: string;
        };
        /**
         * DraftConflict
         * @description 412: the draft changed since the version the save was based on.
         */
        DraftConflict: {
            current: components["schemas"]["OrchestrationDraftPublic"];
            /** Detail */
            detail: string;
        };
        /**
         * EdgeFit
         * @description Whether every value the upstream may produce is accepted by the downstream input.
         */
        EdgeFit: {
            /** Column */
            column?: number | null;
            /**
             * Field
             * @description The upstream output (or run input) the edge carries.
             */
            field: string;
            /**
             * Fit
             * @enum {string}
             */
            fit: "fits" | "does_not_fit" | "cannot_tell";
            /**
             * Id
             * @description Stable id: ``<source>.<field>-><target>.<input>``.
             */
            id: string;
            /**
             * Input
             * @description The name the target receives it under (``as:``).
             */
            input: string;
            /**
             * Kind
             * @default input
             * @enum {string}
             */
            kind?: "input" | "foreach";
            /** Line */
            line?: number | null;
            /**
             * Path
             * @description JSON pointer of the binding in the spec.
             */
            path: string;
            /**
             * Reasons
             * @description Why it does not fit, or why it cannot be told; empty when it fits.
             */
            reasons?: string[];
            /**
             * Source
             * @description 'trigger' or the id of the step the value comes from (a source written as an agent id is resolved to its step).
             */
            source: string;
            /**
             * Target
             * @description The id of the step that reads it.
             */
            target: string;
            /**
             * Written Source
             * @description The source as written in the spec.
             */
            written_source: string;
        };
        /**
         * EdgeRef
         * @description An edge of the graph: ``field`` of ``source`` feeds input ``input`` of ``target``.
         */
        EdgeRef: {
            /**
             * Field
             * @description The upstream output (or run input) the edge carries.
             */
            field: string;
            /**
             * Input
             * @description The name the target receives it under (``as:``).
             */
            input: string;
            /**
             * Kind
             * @default input
             * @enum {string}
             */
            kind?: "input" | "foreach";
            /**
             * Source
             * @description 'trigger' or the id of the step the value comes from (a source written as an agent id is resolved to its step).
             */
            source: string;
            /**
             * Target
             * @description The id of the step that reads it.
             */
            target: string;
        };
        /**
         * ErrorBody
         * @description A failed request: ``detail`` says why and what to do.
         */
        ErrorBody: {
            /** Detail */
            detail: string;
        };
        /**
         * EvaluationComparison
         * @description ``GET /evaluations/{id}/compare/{other_id}``: regressions first.
         *
         *     The evaluation of the older release is the baseline (by version; a draft comes after
         *     the release it starts from; the same release: the older evaluation), the other the
         *     candidate; deltas are candidate − baseline.
         */
        EvaluationComparison: {
            /** Baseline Id */
            baseline_id: string;
            /**
             * Baseline Release
             * @default
             */
            baseline_release?: string;
            /** Baseline Score */
            baseline_score?: number | null;
            /** Candidate Id */
            candidate_id: string;
            /**
             * Candidate Release
             * @default
             */
            candidate_release?: string;
            /** Candidate Score */
            candidate_score?: number | null;
            /** Fields */
            fields?: components["schemas"]["FieldComparison"][];
            /** Item Regressions */
            item_regressions?: components["schemas"]["ItemComparison"][];
            /**
             * Regressions
             * @default 0
             */
            regressions?: number;
            /**
             * Same Dataset
             * @default true
             */
            same_dataset?: boolean;
            /** Score Delta */
            score_delta?: number | null;
        };
        /**
         * EvaluationCreate
         * @description Body of ``POST /apps/{id}/evaluations``.
         */
        EvaluationCreate: {
            /**
             * Concurrency
             * @description Runs in flight at once (default 4).
             */
            concurrency?: number | null;
            /** Dataset Id */
            dataset_id: string;
            /**
             * Item Timeout Seconds
             * @description An item's run still going after this is canceled and the item fails (default 900).
             */
            item_timeout_seconds?: number | null;
            /** @description An LLM judge scoring the fields it names (off by default; the code scorers score the others). */
            judge?: components["schemas"]["JudgeConfig"] | null;
            /**
             * Release
             * @description `"deployed"`, `"draft"` (the current config) or a release version.
             * @default deployed
             */
            release?: string;
        };
        /**
         * EvaluationPublic
         * @description ``GET /evaluations/{id}``: the report.
         */
        EvaluationPublic: {
            /** App Id */
            app_id: string;
            /**
             * App Version
             * @default
             */
            app_version?: string;
            /**
             * Cost Usd
             * @default 0
             */
            cost_usd?: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Created By
             * @default
             */
            created_by?: string;
            /** Dataset Id */
            dataset_id: string;
            /**
             * Dataset Name
             * @default
             */
            dataset_name?: string;
            /**
             * Dataset Version
             * @default 0
             */
            dataset_version?: number;
            /** Error */
            error?: string | null;
            /** Field Scores */
            field_scores?: {
                [key: string]: number;
            };
            /** Finished At */
            finished_at?: string | null;
            /** Id */
            id: string;
            /** Items */
            items?: components["schemas"]["ItemResult"][];
            /**
             * Items Done
             * @default 0
             */
            items_done?: number;
            /**
             * Items Total
             * @default 0
             */
            items_total?: number;
            /**
             * Judge
             * @default false
             */
            judge?: boolean;
            judge_config?: components["schemas"]["JudgeConfig"] | null;
            /** Latency Max Ms */
            latency_max_ms?: number | null;
            /** Latency P50 Ms */
            latency_p50_ms?: number | null;
            /** Mlflow Run Id */
            mlflow_run_id?: string | null;
            /**
             * Purpose
             * @default manual
             * @enum {string}
             */
            purpose?: "manual" | "gate";
            /** Release */
            release: string;
            /** Release Id */
            release_id?: string | null;
            /** Score */
            score?: number | null;
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "completed" | "failed";
            /** Workflow Id */
            workflow_id?: string | null;
        };
        /**
         * EvaluationSummary
         * @description An evaluation in a list (no per-item results).
         */
        EvaluationSummary: {
            /** App Id */
            app_id: string;
            /**
             * App Version
             * @default
             */
            app_version?: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Dataset Id */
            dataset_id: string;
            /** Field Scores */
            field_scores?: {
                [key: string]: number;
            };
            /** Finished At */
            finished_at?: string | null;
            /** Id */
            id: string;
            /**
             * Items Done
             * @default 0
             */
            items_done?: number;
            /**
             * Items Total
             * @default 0
             */
            items_total?: number;
            /**
             * Judge
             * @default false
             */
            judge?: boolean;
            /**
             * Purpose
             * @default manual
             * @enum {string}
             */
            purpose?: "manual" | "gate";
            /** Release */
            release: string;
            /** Score */
            score?: number | null;
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "completed" | "failed";
        };
        /**
         * FallbackModel
         * @description Another model tried, in order, when the primary fails with a retryable error.
         */
        FallbackModel: {
            /**
             * Api Key Ref
             * @description The environment variable of the agent that holds this model's provider key, as `env:NAME` (default: the provider's usual variable, e.g. OPENAI_API_KEY). A reference, never a key: the agent reads it from its own environment.
             * @example env:AZURE_OPENAI_KEY
             */
            api_key_ref?: string | null;
            /** Model Name */
            model_name: string;
            /**
             * Provider
             * @enum {string}
             */
            provider: "azure_openai" | "openai" | "anthropic" | "aws_bedrock" | "google_vertex" | "local";
        };
        /** FieldComparison */
        FieldComparison: {
            /** Baseline */
            baseline?: number | null;
            /** Candidate */
            candidate?: number | null;
            /**
             * Change
             * @enum {string}
             */
            change: "regressed" | "improved" | "unchanged" | "added" | "removed";
            /** Delta */
            delta?: number | null;
            /** Field */
            field: string;
        };
        /**
         * FieldResult
         * @description One expectation of one item, scored.
         */
        FieldResult: {
            /** Actual */
            actual?: unknown;
            /** Expected */
            expected?: unknown;
            /** Field */
            field: string;
            /** Score */
            score: number;
            /**
             * Scorer
             * @enum {string}
             */
            scorer: "exact" | "numeric" | "text" | "set" | "present" | "one_of" | "judge";
        };
        /**
         * GateConfig
         * @description Body of ``PUT /apps/{id}/gate``.
         */
        GateConfig: {
            /** Dataset Id */
            dataset_id: string;
            /** @description An LLM judge for the gate's evaluations (off by default). */
            judge?: components["schemas"]["JudgeConfig"] | null;
            /**
             * Max Field Drop
             * @default 1
             */
            max_field_drop?: number;
            /**
             * Min Score
             * @default 0
             */
            min_score?: number;
        };
        /** GatePublic */
        GatePublic: {
            /** App Id */
            app_id: string;
            /** Dataset Id */
            dataset_id: string;
            judge?: components["schemas"]["JudgeConfig"] | null;
            /** Max Field Drop */
            max_field_drop: number;
            /** Min Score */
            min_score: number;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /**
             * Updated By
             * @default
             */
            updated_by?: string;
        };
        /**
         * GateRefusal
         * @description The 409 of a deploy: ``report`` when the release gate refused it; without one the
         *     app could not be deployed at all (archived, no orchestration).
         */
        GateRefusal: {
            /** Detail */
            detail: string;
            report?: components["schemas"]["GateReport"] | null;
        };
        /**
         * GateReport
         * @description Why a deploy was refused (the 409's ``report``), or what let it through.
         */
        GateReport: {
            baseline?: components["schemas"]["EvaluationPublic"] | null;
            candidate: components["schemas"]["EvaluationPublic"];
            comparison?: components["schemas"]["EvaluationComparison"] | null;
            gate: components["schemas"]["GatePublic"];
            /** Passed */
            passed: boolean;
            /** Reasons */
            reasons?: string[];
        };
        /** HTTPValidationError */
        HTTPValidationError: {
            /** Detail */
            detail?: components["schemas"]["ValidationError"][];
        };
        /** Health */
        Health: {
            /**
             * Status
             * @default ok
             * @constant
             */
            status?: "ok";
        };
        /** ItemComparison */
        ItemComparison: {
            /** Baseline */
            baseline?: number | null;
            /** Baseline Actual */
            baseline_actual?: unknown;
            /** Candidate */
            candidate?: number | null;
            /** Candidate Actual */
            candidate_actual?: unknown;
            /** Expected */
            expected?: unknown;
            /** Field */
            field: string;
            /** Index */
            index: number;
        };
        /** ItemResult */
        ItemResult: {
            /**
             * Cost Usd
             * @default 0
             */
            cost_usd?: number;
            /** Error */
            error?: string | null;
            /** Fields */
            fields?: components["schemas"]["FieldResult"][];
            /** Index */
            index: number;
            /** Inputs */
            inputs?: {
                [key: string]: unknown;
            };
            /** Latency Ms */
            latency_ms?: number | null;
            /** Run Id */
            run_id?: string | null;
            /** Score */
            score?: number | null;
            /**
             * Status
             * @default pending
             */
            status?: string;
            /**
             * Tokens
             * @default 0
             */
            tokens?: number;
        };
        /**
         * JudgeConfig
         * @description An LLM judge (opt-in): a model scores whether an output field matches its
         *     expectation, 0–1. The key is read by the worker from its environment (the provider's
         *     usual variable, or ``api_key_ref: env:NAME``); it is never stored nor sent to Temporal.
         */
        JudgeConfig: {
            /**
             * Api Key Ref
             * @description `env:NAME`: the worker's environment variable holding the key.
             */
            api_key_ref?: string | null;
            /** Fields */
            fields?: string[];
            /**
             * Model
             * @example gpt-4o-mini
             */
            model: string;
            /**
             * Provider
             * @default openai
             * @enum {string}
             */
            provider?: "openai" | "azure_openai" | "anthropic" | "aws_bedrock" | "google_vertex" | "local";
            /**
             * Rubric
             * @default Does the actual value mean the same as the expected value for this field? Score 1 for a full match in meaning, 0 for a wrong or missing value, and a value in between for a partial match.
             */
            rubric?: string;
        };
        /**
         * LibraryAgent
         * @description A built-in agent type offered by ``GET /agents/library``.
         */
        LibraryAgent: {
            default_config: components["schemas"]["AgentConfig"];
            /** Description */
            description: string;
            /** Input Schema */
            input_schema: {
                [key: string]: unknown;
            };
            /** Name */
            name: string;
            /** Output Schema */
            output_schema: {
                [key: string]: unknown;
            };
            /** Tools */
            tools: components["schemas"]["ToolInfo"][];
            /** Type */
            type: string;
        };
        /**
         * Me
         * @description Who the current token says you are.
         */
        Me: {
            /**
             * Role
             * @enum {string}
             */
            role: "viewer" | "operator" | "editor" | "admin";
            /** Source */
            source: string;
            /** Subject */
            subject: string;
            /** Teams */
            teams: string[];
        };
        /** MemoryConfig */
        MemoryConfig: {
            /**
             * Enabled
             * @default false
             */
            enabled?: boolean;
            /**
             * Max Messages
             * @default 10
             */
            max_messages?: number;
            /**
             * Type
             * @default buffer
             * @constant
             */
            type?: "buffer";
        };
        /**
         * MetricsPublic
         * @description ``GET /observability/metrics``.
         */
        MetricsPublic: {
            /** Agent Type */
            agent_type?: string | null;
            /** Agent Types */
            agent_types?: components["schemas"]["AgentTypeMetrics"][];
            /** App Id */
            app_id?: string | null;
            /**
             * By Model
             * @description Cost per model: calls, tokens and cost of each model's attempts.
             */
            by_model?: components["schemas"]["ModelCost"][];
            /** Cost By Day */
            cost_by_day?: components["schemas"]["DailyCost"][];
            /**
             * Cost Usd
             * @default 0
             */
            cost_usd?: number;
            /**
             * Input Tokens
             * @default 0
             */
            input_tokens?: number;
            /**
             * Output Tokens
             * @default 0
             */
            output_tokens?: number;
            /** Run Duration P50 Ms */
            run_duration_p50_ms?: number | null;
            /** Run Duration P95 Ms */
            run_duration_p95_ms?: number | null;
            /** Run Duration P99 Ms */
            run_duration_p99_ms?: number | null;
            /** Runs By Status */
            runs_by_status?: {
                [key: string]: number;
            };
            /**
             * Runs Total
             * @default 0
             */
            runs_total?: number;
            /**
             * Schema Violations
             * @default 0
             */
            schema_violations?: number;
            /**
             * Scope
             * @enum {string}
             */
            scope: "platform" | "app" | "agent_type";
            /**
             * Since
             * Format: date-time
             */
            since: string;
            /**
             * Success Rate
             * @description completed / finished runs in the window.
             */
            success_rate?: number | null;
            /**
             * Temporal Read At
             * @description When the figures read from Temporal (finished runs copied from visibility, the running count, the queue backlogs) were read: the oldest of them, at most HUB_METRICS_TEMPORAL_MAX_AGE_SECONDS (2 s) before the request.
             */
            temporal_read_at?: string | null;
            /**
             * Until
             * Format: date-time
             */
            until: string;
        };
        /** ModelConfig */
        ModelConfig: {
            /**
             * Api Key Ref
             * @description The environment variable of the agent that holds this model's provider key, as `env:NAME` (default: the provider's usual variable, e.g. OPENAI_API_KEY). A reference, never a key: the agent reads it from its own environment.
             * @example env:AZURE_OPENAI_KEY
             */
            api_key_ref?: string | null;
            /** Fallbacks */
            fallbacks?: components["schemas"]["FallbackModel"][];
            /**
             * Max Tokens
             * @default 4096
             */
            max_tokens?: number;
            /** Model Name */
            model_name: string;
            /**
             * Provider
             * @enum {string}
             */
            provider: "azure_openai" | "openai" | "anthropic" | "aws_bedrock" | "google_vertex" | "local";
            /**
             * Temperature
             * @default 0.7
             */
            temperature?: number;
        };
        /**
         * ModelCost
         * @description Attempts, tokens and cost of one model in the window (``""``: none reported).
         */
        ModelCost: {
            /**
             * Calls
             * @default 0
             */
            calls?: number;
            /**
             * Cost Usd
             * @default 0
             */
            cost_usd?: number;
            /**
             * Input Tokens
             * @default 0
             */
            input_tokens?: number;
            /** Model */
            model: string;
            /**
             * Output Tokens
             * @default 0
             */
            output_tokens?: number;
        };
        /**
         * OidcConfigPublic
         * @description ``GET /auth/oidc``: whether the console offers sign-in with an external issuer.
         */
        OidcConfigPublic: {
            /**
             * Authorization Endpoint
             * @description Where the console sends the browser (from discovery).
             */
            authorization_endpoint?: string | null;
            /** Client Id */
            client_id?: string | null;
            /** Display Name */
            display_name?: string | null;
            /** Enabled */
            enabled: boolean;
            /** Issuer */
            issuer?: string | null;
            /** Scopes */
            scopes?: string[];
        };
        /**
         * OidcTokenRequest
         * @description Body of ``POST /auth/oidc/token``: an authorization code and its PKCE verifier.
         */
        OidcTokenRequest: {
            /** Code */
            code: string;
            /**
             * Code Verifier
             * @description RFC 7636.
             */
            code_verifier: string;
            /** Nonce */
            nonce?: string | null;
            /** Redirect Uri */
            redirect_uri: string;
        };
        /**
         * OrchestrationDraftPublic
         * @description ``GET /orchestration/{app_id}/draft``. ``version`` is also the ETag (quoted).
         */
        OrchestrationDraftPublic: {
            /** App Id */
            app_id: string;
            deployed?: components["schemas"]["DeployedRelease"] | null;
            /** Updated At */
            updated_at?: string | null;
            /** Updated By */
            updated_by?: string | null;
            /**
             * Version
             * @description 0 when no draft was saved yet (the text is then the stored orchestration).
             */
            version: number;
            /** Yaml */
            yaml: string;
        };
        /**
         * OrchestrationPublic
         * @description ``GET /orchestration/{app_id}``: the spec plus bookkeeping.
         */
        OrchestrationPublic: {
            /** App Id */
            app_id: string;
            spec: components["schemas"]["OrchestrationSpec"];
            /** Updated At */
            updated_at?: string | null;
            /** Yaml */
            yaml: string;
        };
        /**
         * OrchestrationSpec
         * @description An app's orchestration as written in YAML or JSON.
         */
        OrchestrationSpec: {
            /** Agents */
            agents?: components["schemas"]["SpecAgent"][];
            /** App Id */
            app_id: string;
            limits?: components["schemas"]["SpecLimits"] | null;
            /**
             * Name
             * @default
             */
            name?: string;
            /**
             * Version
             * @default 1.0
             */
            version?: string;
            /** Workflow */
            workflow?: components["schemas"]["SpecStep"][];
        };
        /**
         * OrchestrationValidation
         * @description ``POST /orchestration/{app_id}/validate``: problems by step/edge, and per-edge fit.
         */
        OrchestrationValidation: {
            /** Edges */
            edges?: components["schemas"]["EdgeFit"][];
            /** Errors */
            errors?: components["schemas"]["PlanIssue"][];
            /** Valid */
            valid: boolean;
            /** Warnings */
            warnings?: components["schemas"]["PlanIssue"][];
        };
        /**
         * PlanIssue
         * @description A problem, plus the step or edge it concerns (so a UI needs no path arithmetic).
         */
        PlanIssue: {
            /** Column */
            column?: number | null;
            /** @description The edge the problem concerns. */
            edge?: components["schemas"]["EdgeRef"] | null;
            /** Line */
            line?: number | null;
            /** Message */
            message: string;
            /**
             * Path
             * @example /model/temperature
             */
            path: string;
            /**
             * Step Id
             * @description The step the problem concerns.
             */
            step_id?: string | null;
        };
        /**
         * PriceEntry
         * @description Dollars per million tokens for one model of one provider (``*``: any other model).
         */
        PriceEntry: {
            /**
             * Input
             * @description US dollars per million input tokens.
             */
            input: number;
            /**
             * Model
             * @description Exact name or prefix (longest prefix wins); `*` for the provider's rest.
             */
            model: string;
            /**
             * Output
             * @description US dollars per million output tokens.
             */
            output: number;
            /** Provider */
            provider: string;
        };
        /**
         * PriceTablePublic
         * @description The price table in effect and where it comes from.
         */
        PriceTablePublic: {
            /**
             * File
             * @description The price file used when the database holds no table.
             */
            file: string;
            /** Prices */
            prices: components["schemas"]["PriceEntry"][];
            /**
             * Source
             * @description `database`: set through `PUT /settings/prices`; `file`: the price file (`HUB_PRICES_FILE`, else the shipped table).
             * @enum {string}
             */
            source: "database" | "file";
            /** Updated At */
            updated_at?: string | null;
            /** Updated By */
            updated_by?: string | null;
        };
        /**
         * PriceTableUpdate
         * @description Body of ``PUT /settings/prices``: the whole table (it replaces the one in effect).
         */
        PriceTableUpdate: {
            /** Prices */
            prices: components["schemas"]["PriceEntry"][];
        };
        /** PromptAliasPublic */
        PromptAliasPublic: {
            /** Alias */
            alias: string;
            /** Name */
            name: string;
            /**
             * Uri
             * @example prompts:/extractor-system@production
             */
            uri: string;
            /** Version */
            version: number;
        };
        /**
         * PromptAliasSet
         * @description Body of ``PUT /prompts/{name}/aliases``: point ``alias`` at ``version``.
         */
        PromptAliasSet: {
            /**
             * Alias
             * @description Not `latest` and not `v<N>`: MLflow reserves those.
             * @example production
             */
            alias: string;
            /** Version */
            version: number;
        };
        /** PromptConfig */
        PromptConfig: {
            /**
             * System Prompt Uri
             * @example mlflow:/prompts/extractor-system-v1
             */
            system_prompt_uri: string;
            /**
             * Task Prompt Uri
             * @example mlflow:/prompts/extractor-task-v1
             */
            task_prompt_uri: string;
        };
        /**
         * PromptCreate
         * @description Body of ``POST /prompts``: registers a new version (creating the prompt if needed).
         */
        PromptCreate: {
            /** Commit Message */
            commit_message?: string | null;
            /**
             * Name
             * @example extractor-system
             */
            name: string;
            /**
             * Template
             * @description Jinja2 text; agents render it with `inputs`, `context`, `output_schema`.
             */
            template: string;
        };
        /**
         * PromptDetail
         * @description ``GET /prompts/{name}``: every version, newest first, and the aliases.
         */
        PromptDetail: {
            /**
             * Aliases
             * @description alias -> version
             */
            aliases?: {
                [key: string]: number;
            };
            /** Created At */
            created_at?: string | null;
            /** Latest Version */
            latest_version?: number | null;
            /** Name */
            name: string;
            /** Versions */
            versions: components["schemas"]["PromptVersionPublic"][];
        };
        /**
         * PromptPage
         * @description ``GET /prompts``: one page; pass ``next_page_token`` back as ``page_token``.
         */
        PromptPage: {
            /** Items */
            items: components["schemas"]["PromptSummary"][];
            /** Next Page Token */
            next_page_token?: string | null;
        };
        /** PromptSummary */
        PromptSummary: {
            /** Created At */
            created_at?: string | null;
            /** Latest Version */
            latest_version?: number | null;
            /** Name */
            name: string;
        };
        /** PromptVersionPublic */
        PromptVersionPublic: {
            /** Aliases */
            aliases?: string[];
            /** Commit Message */
            commit_message?: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Name */
            name: string;
            /**
             * Template
             * @description Text; a list of chat messages for chat prompts made elsewhere in MLflow.
             */
            template: string | {
                [key: string]: unknown;
            }[];
            /**
             * Uri
             * @example prompts:/extractor-system/1
             */
            uri: string;
            /** Version */
            version: number;
        };
        /** Readiness */
        Readiness: {
            /**
             * Database
             * @default ok
             * @constant
             */
            database?: "ok";
            /**
             * Status
             * @default ready
             * @constant
             */
            status?: "ready";
        };
        /**
         * RefreshRequest
         * @description Body of ``POST /auth/refresh``.
         */
        RefreshRequest: {
            /** Refresh Token */
            refresh_token: string;
        };
        /**
         * ReleaseAgent
         * @description One agent as a release pinned it.
         */
        ReleaseAgent: {
            /** Id */
            id: string;
            /** Model */
            model?: string | null;
            /**
             * Name
             * @default
             */
            name?: string;
            /**
             * Prompt Versions
             * @description Prompt role → the MLflow prompt version the release pinned.
             */
            prompt_versions?: {
                [key: string]: string;
            };
            /** Provider */
            provider?: string | null;
            /** Type */
            type: string;
        };
        /**
         * ReleaseDetail
         * @description A release with the orchestration it deployed, as YAML (for a diff between two).
         */
        ReleaseDetail: {
            /** Agents */
            agents?: components["schemas"]["ReleaseAgent"][];
            /** App Id */
            app_id: string;
            /**
             * Current
             * @description Whether this is the app's latest release.
             */
            current: boolean;
            /**
             * Deployed At
             * Format: date-time
             */
            deployed_at: string;
            /**
             * Deployed By
             * @description The principal that deployed it (`null` for releases made before this was recorded).
             */
            deployed_by?: string | null;
            /**
             * Id
             * @example rel-3f2c9a1b7d4e
             */
            id: string;
            /**
             * Orchestration Hash
             * @description sha256 of the orchestration as deployed (canonical JSON), first 16 hex.
             */
            orchestration_hash: string;
            /** Orchestration Yaml */
            orchestration_yaml: string;
            /**
             * Plan Hash
             * @description sha256 of the pinned plan (canonical JSON), first 16 hex.
             */
            plan_hash: string;
            /** Step Count */
            step_count: number;
            /**
             * Version
             * @example 1.1.0
             */
            version: string;
        };
        /**
         * ReleaseSummary
         * @description One release of an app (``POST /apps/{id}/deploy`` makes one).
         */
        ReleaseSummary: {
            /** Agents */
            agents?: components["schemas"]["ReleaseAgent"][];
            /** App Id */
            app_id: string;
            /**
             * Current
             * @description Whether this is the app's latest release.
             */
            current: boolean;
            /**
             * Deployed At
             * Format: date-time
             */
            deployed_at: string;
            /**
             * Deployed By
             * @description The principal that deployed it (`null` for releases made before this was recorded).
             */
            deployed_by?: string | null;
            /**
             * Id
             * @example rel-3f2c9a1b7d4e
             */
            id: string;
            /**
             * Orchestration Hash
             * @description sha256 of the orchestration as deployed (canonical JSON), first 16 hex.
             */
            orchestration_hash: string;
            /**
             * Plan Hash
             * @description sha256 of the pinned plan (canonical JSON), first 16 hex.
             */
            plan_hash: string;
            /** Step Count */
            step_count: number;
            /**
             * Version
             * @example 1.1.0
             */
            version: string;
        };
        /** RerunRequest */
        RerunRequest: {
            /** From Step */
            from_step: string;
        };
        /**
         * RevokeRequest
         * @description Body of ``POST /auth/revoke``: an access or refresh token to stop accepting.
         */
        RevokeRequest: {
            /** Token */
            token: string;
        };
        /**
         * RunCreate
         * @description Body of ``POST /apps/{app_id}/runs``.
         */
        RunCreate: {
            /**
             * Draft
             * @description Run the current (undeployed) config.
             * @default false
             */
            draft?: boolean;
            /** Inputs */
            inputs?: {
                [key: string]: unknown;
            };
        };
        /** RunPublic */
        RunPublic: {
            /** App Id */
            app_id: string;
            /**
             * App Version
             * @default
             */
            app_version?: string;
            /** Ended At */
            ended_at?: string | null;
            /** Error */
            error?: string | null;
            /** Outputs */
            outputs?: {
                [key: string]: {
                    [key: string]: unknown;
                };
            } | null;
            /**
             * Release Id
             * @description The release the run was started with (null for a run of the draft): its orchestration is GET /apps/{app_id}/releases/{release_id}.
             */
            release_id?: string | null;
            /** Run Id */
            run_id: string;
            /** Started At */
            started_at?: string | null;
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "completed" | "failed" | "canceled" | "terminated" | "timed_out";
            /** Steps */
            steps?: components["schemas"]["StepProgress"][];
            /** Temporal Ui Url */
            temporal_ui_url?: string | null;
            /** @description What started the run: kind and the schedule/webhook/batch id. */
            trigger?: components["schemas"]["RunTrigger"] | null;
        };
        /** RunStarted */
        RunStarted: {
            /** App Id */
            app_id: string;
            /** Run Id */
            run_id: string;
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "completed" | "failed" | "canceled" | "terminated" | "timed_out";
            /** Temporal Ui Url */
            temporal_ui_url?: string | null;
            /** Workflow Id */
            workflow_id: string;
        };
        /** RunSummaryPage */
        RunSummaryPage: {
            /** Items */
            items: components["schemas"]["RunSummaryPublic"][];
            /**
             * Next Cursor
             * @description Pass as `cursor` for the next page; absent on the last page.
             */
            next_cursor?: string | null;
        };
        /**
         * RunSummaryPublic
         * @description One run in ``GET /observability/runs``.
         */
        RunSummaryPublic: {
            /** Agent Types */
            agent_types?: string[];
            /**
             * App Id
             * @default
             */
            app_id?: string;
            /**
             * App Version
             * @default
             */
            app_version?: string;
            /**
             * Attempts
             * @default 0
             */
            attempts?: number;
            /**
             * Cost Usd
             * @default 0
             */
            cost_usd?: number;
            /** Duration Ms */
            duration_ms?: number | null;
            /** Ended At */
            ended_at?: string | null;
            /**
             * Input Tokens
             * @default 0
             */
            input_tokens?: number;
            /**
             * Output Tokens
             * @default 0
             */
            output_tokens?: number;
            /** Run Id */
            run_id: string;
            /**
             * Started At
             * Format: date-time
             */
            started_at: string;
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "completed" | "failed" | "canceled" | "terminated" | "timed_out";
            /**
             * Steps Completed
             * @default 0
             */
            steps_completed?: number;
            /**
             * Steps Failed
             * @default 0
             */
            steps_failed?: number;
            /** Temporal Ui Url */
            temporal_ui_url?: string | null;
            /**
             * Tokens
             * @default 0
             */
            tokens?: number;
            trigger?: components["schemas"]["RunTrigger"] | null;
        };
        /** RunTrace */
        RunTrace: {
            /**
             * App Id
             * @default
             */
            app_id?: string;
            /** Run Id */
            run_id: string;
            /** Spans */
            spans: components["schemas"]["Span"][];
            /**
             * Status
             * @enum {string}
             */
            status: "running" | "completed" | "failed" | "canceled" | "terminated" | "timed_out";
            /** Temporal Ui Url */
            temporal_ui_url?: string | null;
        };
        /**
         * RunTrigger
         * @description What started a run: ``kind`` and the schedule, webhook or batch id (``None`` for
         *     ``api`` and ``cli``).
         */
        RunTrigger: {
            /** Id */
            id?: string | null;
            /**
             * Kind
             * @enum {string}
             */
            kind: "schedule" | "webhook" | "batch" | "api" | "cli";
        };
        /**
         * ScheduleBackfill
         * @description Body of ``POST /schedules/{id}/backfill``: the fire times in ``[start, end)`` run now
         *     (``start``/``end`` and ``start_at``/``end_at`` are accepted too).
         */
        ScheduleBackfill: {
            /**
             * End Time
             * Format: date-time
             * @description Must be after start_time (else 422).
             */
            end_time: string;
            /**
             * Overlap
             * @default allow_all
             * @enum {string}
             */
            overlap?: "skip" | "buffer_one" | "allow_all";
            /**
             * Start Time
             * Format: date-time
             */
            start_time: string;
        };
        /**
         * ScheduleCreate
         * @description Body of ``POST /apps/{id}/schedules``: ``cron`` or ``interval_seconds``.
         */
        ScheduleCreate: {
            /** Catchup Window Seconds */
            catchup_window_seconds?: number | null;
            /**
             * Cron
             * @example 0 7 * * MON
             */
            cron?: string | null;
            /** Inputs */
            inputs?: {
                [key: string]: unknown;
            };
            /** Interval Seconds */
            interval_seconds?: number | null;
            /**
             * Note
             * @default
             */
            note?: string;
            /**
             * Overlap
             * @default skip
             * @enum {string}
             */
            overlap?: "skip" | "buffer_one" | "allow_all";
            /**
             * Paused
             * @default false
             */
            paused?: boolean;
            /**
             * Timezone
             * @default UTC
             * @example Europe/Oslo
             */
            timezone?: string;
        };
        /**
         * ScheduleNote
         * @description Optional body of ``POST /schedules/{id}/pause|unpause``.
         */
        ScheduleNote: {
            /**
             * Note
             * @default
             */
            note?: string;
        };
        /** SchedulePublic */
        SchedulePublic: {
            /** App Id */
            app_id: string;
            /** Catchup Window Seconds */
            catchup_window_seconds?: number | null;
            /** Created At */
            created_at?: string | null;
            /** Cron */
            cron?: string | null;
            /** Id */
            id: string;
            /** Inputs */
            inputs?: {
                [key: string]: unknown;
            };
            /** Interval Seconds */
            interval_seconds?: number | null;
            /** Next Fire Times */
            next_fire_times?: string[];
            /**
             * Note
             * @default
             */
            note?: string;
            /**
             * Overlap
             * @default skip
             * @enum {string}
             */
            overlap?: "skip" | "buffer_one" | "allow_all";
            /**
             * Paused
             * @default false
             */
            paused?: boolean;
            /**
             * Recent Runs
             * @description Run ids of the latest fires, newest last.
             */
            recent_runs?: string[];
            /**
             * Timezone
             * @default UTC
             */
            timezone?: string;
            /** Updated At */
            updated_at?: string | null;
        };
        /**
         * ScheduleUpdate
         * @description Body of ``PATCH /schedules/{id}``: the fields to change.
         */
        ScheduleUpdate: {
            /** Catchup Window Seconds */
            catchup_window_seconds?: number | null;
            /** Cron */
            cron?: string | null;
            /** Inputs */
            inputs?: {
                [key: string]: unknown;
            } | null;
            /** Interval Seconds */
            interval_seconds?: number | null;
            /** Note */
            note?: string | null;
            /** Overlap */
            overlap?: ("skip" | "buffer_one" | "allow_all") | null;
            /** Paused */
            paused?: boolean | null;
            /** Timezone */
            timezone?: string | null;
        };
        /** SchemaConfig */
        SchemaConfig: {
            /** Input Schema Uri */
            input_schema_uri?: string | null;
            /**
             * Max Repairs
             * @default 2
             */
            max_repairs?: number;
            /**
             * On Violation
             * @default fail
             * @enum {string}
             */
            on_violation?: "fail" | "warn";
            /** Output Schema Uri */
            output_schema_uri?: string | null;
        };
        /**
         * SchemaCreate
         * @description Body of ``POST /schemas``: registers ``schema`` as the next version of ``name``.
         */
        SchemaCreate: {
            /**
             * Description
             * @default
             */
            description?: string;
            /**
             * Name
             * @example credit-memo-input
             */
            name: string;
            /**
             * Schema
             * @description A JSON Schema (draft 2020-12) object.
             * @example {
             *       "required": [
             *         "document"
             *       ],
             *       "type": "object"
             *     }
             */
            schema: {
                [key: string]: unknown;
            };
        };
        /**
         * SchemaDetail
         * @description A registered name with every version, newest first.
         */
        SchemaDetail: {
            /** Latest Version */
            latest_version: number;
            /** Name */
            name: string;
            /** Versions */
            versions: components["schemas"]["SchemaVersionPublic"][];
        };
        /**
         * SchemaPage
         * @description One page of ``GET /schemas``.
         */
        SchemaPage: {
            /** Items */
            items: components["schemas"]["SchemaSummary"][];
            /** Total */
            total: number;
        };
        /**
         * SchemaSummary
         * @description A registered name with its newest version.
         */
        SchemaSummary: {
            /** Description */
            description: string;
            /** Latest Version */
            latest_version: number;
            /** Name */
            name: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /**
         * SchemaVersionPublic
         * @description One registered version of a schema.
         */
        SchemaVersionPublic: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Created By */
            created_by: string;
            /** Description */
            description: string;
            /** Name */
            name: string;
            /** Schema */
            schema: {
                [key: string]: unknown;
            };
            /**
             * Uri
             * @description The pinned URI to put in an agent config.
             */
            uri: string;
            /** Version */
            version: number;
        };
        /**
         * ServiceAccountCreate
         * @description Body of ``POST /auth/keys``.
         */
        ServiceAccountCreate: {
            /** Name */
            name: string;
            /**
             * Role
             * @enum {string}
             */
            role: "viewer" | "operator" | "editor" | "admin";
            /**
             * Teams
             * @description Team ids the key acts for; `*` means every team.
             */
            teams: string[];
        };
        /**
         * ServiceAccountCreated
         * @description The new account with its key: the only time the key is returned.
         */
        ServiceAccountCreated: {
            /** Api Key */
            api_key: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Created By */
            created_by?: string | null;
            /** Id */
            id: string;
            /**
             * Key Prefix
             * @description The key's first characters, to tell keys apart.
             */
            key_prefix: string;
            /** Name */
            name: string;
            /** Revoked At */
            revoked_at?: string | null;
            /**
             * Role
             * @enum {string}
             */
            role: "viewer" | "operator" | "editor" | "admin";
            /** Teams */
            teams: string[];
        };
        /**
         * ServiceAccountPublic
         * @description A service account; its key is never shown again after creation.
         */
        ServiceAccountPublic: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Created By */
            created_by?: string | null;
            /** Id */
            id: string;
            /**
             * Key Prefix
             * @description The key's first characters, to tell keys apart.
             */
            key_prefix: string;
            /** Name */
            name: string;
            /** Revoked At */
            revoked_at?: string | null;
            /**
             * Role
             * @enum {string}
             */
            role: "viewer" | "operator" | "editor" | "admin";
            /** Teams */
            teams: string[];
        };
        /**
         * Span
         * @description A run, one of its steps, or one attempt of a step; ``parent_id`` nests them.
         */
        Span: {
            /** Agent Id */
            agent_id?: string | null;
            /** Agent Type */
            agent_type?: string | null;
            /** Attempt */
            attempt?: number | null;
            /**
             * Cost Usd
             * @default 0
             */
            cost_usd?: number;
            /** Duration Ms */
            duration_ms?: number | null;
            /** Ended At */
            ended_at?: string | null;
            /** Error */
            error?: string | null;
            /** Error Type */
            error_type?: string | null;
            /**
             * Input Tokens
             * @default 0
             */
            input_tokens?: number;
            /**
             * Inputs Ref
             * @description History event and input field names; artifact URIs.
             */
            inputs_ref?: {
                [key: string]: unknown;
            } | null;
            /** Item Index */
            item_index?: number | null;
            /**
             * Kind
             * @enum {string}
             */
            kind: "run" | "step" | "attempt";
            /** Model */
            model?: string | null;
            /** Name */
            name: string;
            /**
             * Output Tokens
             * @default 0
             */
            output_tokens?: number;
            /**
             * Outputs Ref
             * @description History event and output field names; artifact URIs.
             */
            outputs_ref?: {
                [key: string]: unknown;
            } | null;
            /** Parent Id */
            parent_id?: string | null;
            /** Prompt Versions */
            prompt_versions?: {
                [key: string]: string;
            };
            /** Provider */
            provider?: string | null;
            /**
             * Retry Reason
             * @description Why this attempt happened: the previous attempt's error.
             */
            retry_reason?: string | null;
            /** Scheduled At */
            scheduled_at?: string | null;
            /**
             * Schema Violations
             * @default 0
             */
            schema_violations?: number;
            /** Span Id */
            span_id: string;
            /** Started At */
            started_at?: string | null;
            /**
             * Status
             * @enum {string}
             */
            status: "scheduled" | "running" | "completed" | "failed" | "timed_out" | "canceled" | "terminated" | "retrying";
            /** Step Id */
            step_id?: string | null;
            /** Task Queue */
            task_queue?: string | null;
            /**
             * Warnings
             * @description What the attempt completed without, as `pointer: message` (e.g. `/financials/ebitda: not found in the document`).
             */
            warnings?: string[];
        };
        /** SpecAgent */
        SpecAgent: {
            /** Id */
            id: string;
            /**
             * Name
             * @default
             */
            name?: string;
            /**
             * Type
             * @default
             */
            type?: string;
        };
        /** SpecApproval */
        SpecApproval: {
            /**
             * Input Schema
             * @description JSON Schema the approver's payload must satisfy.
             */
            input_schema?: {
                [key: string]: unknown;
            } | null;
            /**
             * On Timeout
             * @default reject
             * @enum {string}
             */
            on_timeout?: "reject" | "approve";
            /**
             * Prompt
             * @default
             */
            prompt?: string;
            /** Timeout */
            timeout?: number | string | null;
        };
        /** SpecForeach */
        SpecForeach: {
            /**
             * As
             * @description The name each item reaches the agent under (default: the name of the step's input bound to the same list, else `field`).
             */
            as?: string | null;
            /** Field */
            field: string;
            /**
             * Max Concurrency
             * @default 4
             */
            max_concurrency?: number;
            /** Source */
            source: string;
        };
        /** SpecInput */
        SpecInput: {
            /**
             * As
             * @description The name the agent receives the value under (default: `field`), so an output or a run input reaches the agent under the name its input schema reads.
             */
            as?: string | null;
            /** Field */
            field: string;
            /**
             * Source
             * @description `trigger` (the run's inputs), an agent id, or a step id.
             */
            source: string;
        };
        /** SpecLimits */
        SpecLimits: {
            /** Max Cost Usd */
            max_cost_usd?: number | null;
            /** Max Parallel Steps */
            max_parallel_steps?: number | null;
            /** Max Steps */
            max_steps?: number | null;
            /** Max Tokens */
            max_tokens?: number | null;
        };
        /** SpecOutput */
        SpecOutput: {
            /** Name */
            name: string;
        };
        /** SpecRetry */
        SpecRetry: {
            /**
             * Backoff Coefficient
             * @default 2
             */
            backoff_coefficient?: number;
            /**
             * Initial Interval
             * @default 1
             */
            initial_interval?: number | string;
            /**
             * Max Attempts
             * @default 3
             */
            max_attempts?: number;
            /**
             * Max Interval
             * @default 60
             */
            max_interval?: number | string;
        };
        /** SpecStep */
        SpecStep: {
            /**
             * Agent Id
             * @description Omitted only for approval steps.
             */
            agent_id?: string | null;
            approval?: components["schemas"]["SpecApproval"] | null;
            foreach?: components["schemas"]["SpecForeach"] | null;
            /** Inputs */
            inputs?: components["schemas"]["SpecInput"][];
            /**
             * On Error
             * @default fail
             * @enum {string}
             */
            on_error?: "fail" | "continue";
            /** Outputs */
            outputs?: components["schemas"]["SpecOutput"][];
            retry?: components["schemas"]["SpecRetry"] | null;
            /**
             * Step
             * @description Step id, unique within the workflow.
             */
            step: number | string;
            /** Timeout */
            timeout?: number | string | null;
            /** When */
            when?: string | null;
        };
        /** StepProgress */
        StepProgress: {
            /**
             * Attempts
             * @default 0
             */
            attempts?: number;
            /** Ended At */
            ended_at?: string | null;
            /** Error */
            error?: string | null;
            /** Items Done */
            items_done?: number | null;
            /** Items Total */
            items_total?: number | null;
            /** Started At */
            started_at?: string | null;
            /**
             * State
             * @default pending
             * @enum {string}
             */
            state?: "pending" | "running" | "waiting_approval" | "completed" | "failed" | "skipped" | "canceled";
            /** Step Id */
            step_id: string;
            usage?: components["schemas"]["Usage"] | null;
        };
        /**
         * TokenPair
         * @description A short-lived access token and the refresh token that renews it.
         */
        TokenPair: {
            /** Access Token */
            access_token: string;
            /**
             * Expires In
             * @description Seconds until the access token expires.
             */
            expires_in: number;
            /** Refresh Expires In */
            refresh_expires_in: number;
            /** Refresh Token */
            refresh_token: string;
            /**
             * Token Type
             * @default bearer
             * @constant
             */
            token_type?: "bearer";
        };
        /**
         * TokenRequest
         * @description Body of ``POST /auth/token``: exchange an API key for tokens.
         */
        TokenRequest: {
            /**
             * Api Key
             * @description A service account's key.
             */
            api_key: string;
        };
        /** ToolConfig */
        ToolConfig: {
            /**
             * Enabled
             * @default true
             */
            enabled?: boolean;
            /** Id */
            id: string;
            /**
             * Sensitive
             * @description Mark a tool of a custom agent type sensitive (it acts or sends data outside): steps of the agent then need an approval step upstream. It can only add the mark; a built-in tool the library marks sensitive stays sensitive.
             * @default false
             */
            sensitive?: boolean;
        };
        /** ToolInfo */
        ToolInfo: {
            /** Description */
            description: string;
            /** Id */
            id: string;
            /** Name */
            name: string;
            /**
             * Sensitive
             * @description The tool acts or sends data outside the platform: a step of an agent that enables it must have an approval step among its upstream steps.
             * @default false
             */
            sensitive?: boolean;
        };
        /** Usage */
        Usage: {
            /**
             * Cost Usd
             * @default 0
             */
            cost_usd?: number;
            /**
             * Input Tokens
             * @default 0
             */
            input_tokens?: number;
            /**
             * Latency Ms
             * @default 0
             */
            latency_ms?: number;
            /**
             * Model
             * @default
             */
            model?: string;
            /**
             * Output Tokens
             * @default 0
             */
            output_tokens?: number;
            /**
             * Provider
             * @default
             */
            provider?: string;
        };
        /** ValidationError */
        ValidationError: {
            /** Context */
            ctx?: Record<string, never>;
            /** Input */
            input?: unknown;
            /** Location */
            loc: (string | number)[];
            /** Message */
            msg: string;
            /** Error Type */
            type: string;
        };
        /**
         * ValidationErrorBody
         * @description 422: the request was understood but some field is invalid.
         */
        ValidationErrorBody: {
            /** Detail */
            detail: components["schemas"]["ValidationErrorItem"][];
        };
        /**
         * ValidationErrorItem
         * @description One invalid field.
         */
        ValidationErrorItem: {
            /** Column */
            column?: number | null;
            /** Line */
            line?: number | null;
            /**
             * Loc
             * @description Where the error is, as FastAPI reports it.
             */
            loc: (string | number)[];
            /** Msg */
            msg: string;
            /**
             * Path
             * @description The same place as a JSON pointer (RFC 6901).
             * @default
             */
            path?: string;
            /** Type */
            type: string;
        };
        /**
         * ValidationIssue
         * @description One problem found by a validator; ``path`` is a JSON pointer (RFC 6901).
         */
        ValidationIssue: {
            /** Column */
            column?: number | null;
            /** Line */
            line?: number | null;
            /** Message */
            message: string;
            /**
             * Path
             * @example /model/temperature
             */
            path: string;
        };
        /** ValidationReport */
        ValidationReport: {
            /** Errors */
            errors?: components["schemas"]["ValidationIssue"][];
            /** Valid */
            valid: boolean;
            /** Warnings */
            warnings?: components["schemas"]["ValidationIssue"][];
        };
        /** ViolationPage */
        ViolationPage: {
            /** Items */
            items: components["schemas"]["ViolationPublic"][];
            /** Next Cursor */
            next_cursor?: string | null;
        };
        /** ViolationPublic */
        ViolationPublic: {
            /** Activity Id */
            activity_id: string;
            /** Agent Id */
            agent_id: string;
            /** Agent Type */
            agent_type: string;
            /** App Id */
            app_id: string;
            /**
             * Attempt
             * @description The step attempt (Temporal's).
             */
            attempt: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Id */
            id: number;
            /** Message */
            message: string;
            /**
             * Pointer
             * @description JSON pointer into the agent's output.
             */
            pointer: string;
            /**
             * Repair Attempt
             * @description The agent's repair round that produced it.
             */
            repair_attempt: number;
            /** Run Id */
            run_id: string;
            /**
             * Severity
             * @description `error`: the output broke its schema; `warning`: the output is valid but a field is missing (e.g. a figure not found in the document).
             * @default error
             * @enum {string}
             */
            severity?: "error" | "warning";
            /** Step Id */
            step_id: string;
        };
        /**
         * WebhookAccepted
         * @description Answer of ``POST /hooks/{id}``.
         */
        WebhookAccepted: {
            /** App Id */
            app_id: string;
            /**
             * Created
             * @default true
             */
            created?: boolean;
            /** Run Id */
            run_id: string;
            /** Status */
            status: string;
            /** Webhook Id */
            webhook_id: string;
        };
        /**
         * WebhookCreate
         * @description Body of ``POST /apps/{id}/webhooks``.
         */
        WebhookCreate: {
            /**
             * Idempotency Pointer
             * @description JSON pointer of a body field that identifies the event (used when no Idempotency-Key header is sent).
             */
            idempotency_pointer?: string | null;
            /**
             * Input Mapping
             * @description Run input name → JSON pointer (RFC 6901) into the posted body.
             * @example {
             *       "document": "/data/file_uri"
             *     }
             */
            input_mapping: {
                [key: string]: string;
            };
            /**
             * Note
             * @default
             */
            note?: string;
            /**
             * Rate Limit Per Minute
             * @default 600
             */
            rate_limit_per_minute?: number;
        };
        /** WebhookPublic */
        WebhookPublic: {
            /** App Id */
            app_id: string;
            /** Created At */
            created_at?: string | null;
            /** Id */
            id: string;
            /** Idempotency Pointer */
            idempotency_pointer?: string | null;
            /** Input Mapping */
            input_mapping: {
                [key: string]: string;
            };
            /**
             * Note
             * @default
             */
            note?: string;
            /** Previous Secret Expires At */
            previous_secret_expires_at?: string | null;
            /** Rate Limit Per Minute */
            rate_limit_per_minute: number;
            /** Secret */
            secret?: string | null;
            /** Url */
            url: string;
        };
        /**
         * WebhookRotate
         * @description Body of ``POST /webhooks/{id}/rotate-secret``: how long the old secret stays valid.
         */
        WebhookRotate: {
            /**
             * Overlap Seconds
             * @default 3600
             */
            overlap_seconds?: number;
        };
        /** WebhookUpdate */
        WebhookUpdate: {
            /** Idempotency Pointer */
            idempotency_pointer?: string | null;
            /** Input Mapping */
            input_mapping?: {
                [key: string]: string;
            } | null;
            /** Note */
            note?: string | null;
            /** Rate Limit Per Minute */
            rate_limit_per_minute?: number | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    index__get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiIndex"];
                };
            };
            /** @description A browser is sent to the web console, when one is served. */
            307: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    library_agents_library_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LibraryAgent"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_agent_agents__agent_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Agent id, e.g. `agent-9c1d2e3f4a5b`. */
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_agent_config_agents__agent_id__config_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Agent id, e.g. `agent-9c1d2e3f4a5b`. */
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentConfig"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    put_agent_config_agents__agent_id__config_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Agent id, e.g. `agent-9c1d2e3f4a5b`. */
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AgentConfig"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentConfig"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    validate_agent_config_agents__agent_id__validate_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Agent id, e.g. `agent-9c1d2e3f4a5b`. */
                agent_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                } | null;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationReport"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_apps_apps_get: {
        parameters: {
            query?: {
                /** @description Page size. */
                limit?: number;
                /** @description Rows to skip (not with `cursor`). */
                offset?: number;
                status?: "draft" | "deployed" | "archived";
                /** @description Case-insensitive name search. */
                q?: string;
                /** @description Sort field; `-` for descending. */
                sort?: "name" | "-name" | "created_at" | "-created_at" | "updated_at" | "-updated_at";
                /** @description Continue after the last app of a page: the `X-Next-Cursor` header of the previous page (keyset paging; same `sort`, `status` and `q`). */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of apps. */
            200: {
                headers: {
                    /** @description The next page's URL with `rel="next"`. */
                    Link?: string;
                    /** @description Pass as `cursor` for the next page; absent on the last. */
                    "X-Next-Cursor"?: string;
                    /** @description How many apps match the filter, over all pages. */
                    "X-Total-Count"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppPublic"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_app_apps_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_app_apps__app_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, e.g. `app-3f2c9a1b7d4e`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_app_apps__app_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, e.g. `app-3f2c9a1b7d4e`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    update_app_apps__app_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, e.g. `app-3f2c9a1b7d4e`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AppUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_agents_apps__app_id__agents_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, e.g. `app-3f2c9a1b7d4e`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentPublic"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_agent_apps__app_id__agents_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, e.g. `app-3f2c9a1b7d4e`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AgentCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AgentPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    archive_apps__app_id__archive_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, e.g. `app-3f2c9a1b7d4e`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_batches_apps__app_id__batches_get: {
        parameters: {
            query?: {
                limit?: number;
            };
            header?: never;
            path: {
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchPublic"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_batch_apps__app_id__batches_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                app_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BatchCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchStarted"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_datasets_apps__app_id__datasets_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, `app-…`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetPublic"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_dataset_apps__app_id__datasets_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, `app-…`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DatasetCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    deploy_apps__app_id__deploy_post: {
        parameters: {
            query?: {
                /** @description Deploy even if the release gate would refuse (audited). */
                force?: boolean;
            };
            header?: never;
            path: {
                /** @description App id, e.g. `app-3f2c9a1b7d4e`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AppPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The app is archived or has no orchestration, or the release gate refused the candidate (`report` says why). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GateRefusal"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_evaluations_apps__app_id__evaluations_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, `app-…`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvaluationSummary"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    start_evaluation_apps__app_id__evaluations_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, `app-…`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EvaluationCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvaluationPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_gate_apps__app_id__gate_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, `app-…`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatePublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    put_gate_apps__app_id__gate_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, `app-…`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GateConfig"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["GatePublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_gate_apps__app_id__gate_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, `app-…`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_releases_apps__app_id__releases_get: {
        parameters: {
            query?: {
                /** @description Page size. */
                limit?: number;
                /** @description The `X-Next-Cursor` of the previous page (the last release's id). */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description App id, e.g. `app-3f2c9a1b7d4e`. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of releases. */
            200: {
                headers: {
                    /** @description Pass as `cursor` for the next page; absent on the last. */
                    "X-Next-Cursor"?: string;
                    /** @description How many releases the app has. */
                    "X-Total-Count"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleaseSummary"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_release_apps__app_id__releases__release_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description App id, e.g. `app-3f2c9a1b7d4e`. */
                app_id: string;
                release_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReleaseDetail"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    start_run_apps__app_id__runs_post: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a POST with the same key returns the run it started. */
                "Idempotency-Key"?: string;
                /** @description `cli` when the hub CLI starts the run (its runs say so); default `api`. */
                "Hub-Trigger"?: "api" | "cli";
            };
            path: {
                app_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RunCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunStarted"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_schedules_apps__app_id__schedules_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePublic"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_schedule_apps__app_id__schedules_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                app_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_webhooks_apps__app_id__webhooks_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookPublic"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_webhook_apps__app_id__webhooks_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                app_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_artifacts_artifacts_get: {
        parameters: {
            query?: {
                /** @description Page size. */
                limit?: number;
                /** @description The `X-Next-Cursor` of the previous page. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of artifacts. */
            200: {
                headers: {
                    /** @description Pass as `cursor` for the next page; absent on the last. */
                    "X-Next-Cursor"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtifactListItem"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    upload_artifact_artifacts_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_upload_artifact_artifacts_post"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ArtifactRef"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_artifact_artifacts__artifact_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Artifact id, `art-…`. */
                artifact_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The bytes, with the content type they were uploaded with. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "*/*": string;
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_audit_events_audit_get: {
        parameters: {
            query?: {
                actor?: string;
                action?: string;
                object_type?: string;
                object_id?: string;
                /** @description From this time (inclusive). */
                since?: string;
                /** @description Before this time. */
                until?: string;
                limit?: number;
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of audit events. */
            200: {
                headers: {
                    /** @description How many events match the filter, over all pages. */
                    "X-Total-Count"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditEventPublic"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_keys_auth_keys_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAccountPublic"][];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_key_auth_keys_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ServiceAccountCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ServiceAccountCreated"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    revoke_key_auth_keys__key_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    me_auth_me_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    oidc_config_auth_oidc_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OidcConfigPublic"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    oidc_token_auth_oidc_token_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OidcTokenRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    refresh_token_auth_refresh_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefreshRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    revoke_token_auth_revoke_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RevokeRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    issue_token_auth_token_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TokenRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPair"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_batch_batches__batch_id__get: {
        parameters: {
            query?: {
                /** @description Items per page. */
                limit?: number;
                offset?: number;
                status?: "pending" | "running" | "completed" | "failed" | "canceled";
            };
            header?: never;
            path: {
                /** @description Batch id, `batch-…`. */
                batch_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    cancel_batch_batches__batch_id__cancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Batch id, `batch-…`. */
                batch_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    batch_results_csv_batches__batch_id__results_csv_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Batch id, `batch-…`. */
                batch_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": unknown;
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    batch_results_jsonl_batches__batch_id__results_jsonl_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Batch id, `batch-…`. */
                batch_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": unknown;
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    retry_failed_batches__batch_id__retry_failed_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Batch id, `batch-…`. */
                batch_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    decode_payloads_codec_decode_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Namespace"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CodecPayloads"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CodecPayloads"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    encode_payloads_codec_encode_post: {
        parameters: {
            query?: never;
            header?: {
                "X-Namespace"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CodecPayloads"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CodecPayloads"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_dataset_datasets__dataset_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Dataset version id, `ds-…`. */
                dataset_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    update_dataset_datasets__dataset_id__put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Dataset version id, `ds-…`. */
                dataset_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DatasetUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DatasetPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_evaluation_evaluations__evaluation_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Evaluation id, `eval-…`. */
                evaluation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvaluationPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    compare_evaluations_evaluations__evaluation_id__compare__other_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Evaluation id, `eval-…`. */
                evaluation_id: string;
                /** @description Evaluation id, `eval-…`. */
                other_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EvaluationComparison"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    health_health_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    deliver_hooks__webhook_id__post: {
        parameters: {
            query?: never;
            header?: {
                "Hub-Timestamp"?: string;
                "Hub-Signature"?: string;
                "Idempotency-Key"?: string;
            };
            path: {
                /** @description Webhook id, `hook-…`. */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookAccepted"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_metrics_observability_metrics_get: {
        parameters: {
            query?: {
                app_id?: string;
                agent_type?: string;
                /** @description Window start (ISO-8601, inclusive); must be before `until` (else 422). */
                since?: string;
                /** @description Window end (ISO-8601, exclusive); must be after `since` (else 422). */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MetricsPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_runs_observability_runs_get: {
        parameters: {
            query?: {
                app_id?: string;
                status?: "running" | "completed" | "failed" | "canceled" | "terminated" | "timed_out";
                /** @description Window start (ISO-8601, inclusive); must be before `until` (else 422). */
                since?: string;
                /** @description Window end (ISO-8601, exclusive); must be after `since` (else 422). */
                until?: string;
                agent_type?: string;
                /** @description `next_cursor` of a page (opaque base64url; others are refused with 422). */
                cursor?: string;
                limit?: number;
                /** @description Also list the runs evaluations started (left out by default). */
                include_evaluations?: boolean;
                /** @description Only runs started by this trigger (schedule, webhook, batch, api, cli). */
                trigger?: "schedule" | "webhook" | "batch" | "api" | "cli";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunSummaryPage"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_trace_observability_traces__run_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunTrace"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_violations_observability_violations_get: {
        parameters: {
            query?: {
                app_id?: string;
                /** @description Agent id or agent type. */
                agent?: string;
                run_id?: string;
                /** @description Window start (ISO-8601, inclusive); must be before `until` (else 422). */
                since?: string;
                /** @description Window end (ISO-8601, exclusive); must be after `since` (else 422). */
                until?: string;
                /** @description `next_cursor` of a page (opaque base64url; others are refused with 422). */
                cursor?: string;
                limit?: number;
                /** @description Only errors (schema broken) or only warnings (a field missing). */
                severity?: "error" | "warning";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ViolationPage"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_orchestration_orchestration__app_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The app whose orchestration this is. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrchestrationPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    put_orchestration_orchestration__app_id__put: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag the change is based on; a stale one is refused with 412. */
                "If-Match"?: string;
            };
            path: {
                /** @description The app whose orchestration this is. */
                app_id: string;
            };
            cookie?: never;
        };
        /** @description The orchestration spec, as JSON or as YAML text. */
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrchestrationSpec"];
                "application/yaml": string;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrchestrationPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description If-Match names a version that is no longer current. */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body's Content-Type is not supported here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_draft_orchestration__app_id__draft_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The app whose orchestration this is. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrchestrationDraftPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    put_draft_orchestration__app_id__draft_put: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag the change is based on; a stale one is refused with 412. */
                "If-Match"?: string;
            };
            path: {
                /** @description The app whose orchestration this is. */
                app_id: string;
            };
            cookie?: never;
        };
        /** @description The draft as YAML text; it need not be valid yet. */
        requestBody: {
            content: {
                "application/yaml": string;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrchestrationDraftPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The draft changed since If-Match. */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DraftConflict"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body's Content-Type is not supported here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description If-Match is missing. */
            428: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    export_yaml_orchestration__app_id__export_yaml_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The app whose orchestration this is. */
                app_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The orchestration as YAML; PUT it back to restore it. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/yaml": string;
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    validate_orchestration_orchestration__app_id__validate_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The app whose orchestration this is. */
                app_id: string;
            };
            cookie?: never;
        };
        /** @description A spec to check instead of the stored one (not saved). */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["OrchestrationSpec"];
                "application/yaml": string;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrchestrationValidation"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body's Content-Type is not supported here. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_prompts_prompts_get: {
        parameters: {
            query?: {
                /** @description Part of the name, any case. */
                q?: string;
                page_size?: number;
                /** @description `next_page_token` of the previous page. */
                page_token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromptPage"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    register_prompt_prompts_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PromptCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromptVersionPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_prompt_prompts__name__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Prompt name, e.g. `extractor-system`. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromptDetail"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    set_prompt_alias_prompts__name__aliases_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Prompt name, e.g. `extractor-system`. */
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PromptAliasSet"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromptAliasPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_prompt_alias_prompts__name__aliases__alias__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Prompt name, e.g. `extractor-system`. */
                name: string;
                alias: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_prompt_version_prompts__name__versions__version__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Prompt name, e.g. `extractor-system`. */
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromptVersionPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    ready_ready_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Readiness"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The database is unreachable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_run_runs__run_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Run id, `run-…`. */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    approve_step_runs__run_id__approvals_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Run id, `run-…`. */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApprovalDecision"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StepProgress"] | null;
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    cancel_run_runs__run_id__cancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Run id, `run-…`. */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    run_events_runs__run_id__events_get: {
        parameters: {
            query?: never;
            header?: {
                /** @description The `id` of the last event received: a reconnecting client (EventSource sends it by itself) gets only the events after it. */
                "Last-Event-ID"?: string;
            };
            path: {
                run_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `event: step` per step state change (running, completed, failed, skipped, canceled, waiting_approval) in order, then one `event: run` with the run's final status; each `data:` is a JSON RunEvent and each `id:` its `seq`; a `: ping` comment every 15 s on a quiet stream. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": unknown;
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    rerun_runs__run_id__rerun_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Run id, `run-…`. */
                run_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RerunRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunStarted"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_schedule_schedules__schedule_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Schedule id, `sch-…`. */
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_schedule_schedules__schedule_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Schedule id, `sch-…`. */
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    update_schedule_schedules__schedule_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Schedule id, `sch-…`. */
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    backfill_schedule_schedules__schedule_id__backfill_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Schedule id, `sch-…`. */
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleBackfill"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    pause_schedule_schedules__schedule_id__pause_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Schedule id, `sch-…`. */
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ScheduleNote"] | null;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    trigger_schedule_schedules__schedule_id__trigger_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Schedule id, `sch-…`. */
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    unpause_schedule_schedules__schedule_id__unpause_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Schedule id, `sch-…`. */
                schedule_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["ScheduleNote"] | null;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_schemas_schemas_get: {
        parameters: {
            query?: {
                /** @description Part of the name, any case. */
                q?: string;
                /** @description Page size. */
                limit?: number;
                /** @description Names to skip. */
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchemaPage"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    register_schema_schemas_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SchemaCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchemaVersionPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request conflicts with the resource's current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_schema_schemas__name__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Schema name, e.g. `credit-memo-input`. */
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchemaDetail"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_schema_version_schemas__name__versions__version__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Schema name, e.g. `credit-memo-input`. */
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchemaVersionPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_prices_settings_prices_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PriceTablePublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    put_prices_settings_prices_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PriceTableUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PriceTablePublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    reset_prices_settings_prices_delete: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_webhook_webhooks__webhook_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id, `hook-…`. */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookPublic"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_webhook_webhooks__webhook_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id, `hook-…`. */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    update_webhook_webhooks__webhook_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id, `hook-…`. */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WebhookUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    rotate_secret_webhooks__webhook_id__rotate_secret_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook id, `hook-…`. */
                webhook_id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["WebhookRotate"] | null;
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookPublic"];
                };
            };
            /** @description The body is not well-formed JSON; `detail` gives the line and column. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description No valid bearer token was sent (missing, expired, revoked or not trusted). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The token's role is not enough for this action. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The resource does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The request body is larger than the server accepts. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A field is invalid; `detail` points at it. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ValidationErrorBody"];
                };
            };
            /** @description Too many requests from this caller; retry after `Retry-After` seconds. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description A dependency (the database) is unavailable. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
}
