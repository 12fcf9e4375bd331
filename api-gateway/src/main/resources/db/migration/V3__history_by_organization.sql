-- The Organization of each run (the Pipeline's spec.organization when the run was allocated), so the
-- API can list an organization's history without asking the cluster; rows of V1 stay NULL and are
-- visible to no organization.
ALTER TABLE pipeline_run ADD COLUMN organization text;
CREATE INDEX pipeline_run_organization ON pipeline_run (organization, id);

-- A stable, increasing key for the cursor pagination of deliveries.
ALTER TABLE webhook_delivery ADD COLUMN seq bigserial;
CREATE UNIQUE INDEX webhook_delivery_seq ON webhook_delivery (seq);
