ALTER TABLE "verification_requests" FORCE ROW LEVEL SECURITY;
