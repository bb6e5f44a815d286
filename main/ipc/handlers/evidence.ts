import type { certificateChannels, evidenceChannels } from "../../../shared/contract";
import type { Services } from "../../services/createServices";
import type { Handlers } from "../dispatch";

/** The journal, exports for IT, IT's receipts and keys, the device key and the technician. */
export function createEvidenceHandlers(services: Services): Pick<Handlers, keyof typeof evidenceChannels | keyof typeof certificateChannels> {
  return {
    "evidence.summary": () => services.evidence.summary(),
    "evidence.records": (query) => services.evidence.records(query),
    "evidence.record": ({ seq }) => services.evidence.record(seq),
    "evidence.export": async ({ path, fromSeq }) =>
      services.jobs.start("evidence.export", "Exporting records for IT", (job) => services.evidence.export(path, fromSeq, (done, total, label) => job.progress(done, total, label))),
    "evidence.exportResult": async ({ jobId }) => services.jobs.result<Awaited<ReturnType<Services["evidence"]["export"]>>>(jobId, "evidence.export"),
    "evidence.importReceipt": ({ path }) => services.evidence.importReceipt(path),
    "evidence.trustIt": async ({ path, replace }) => {
      const trusted = await services.evidence.trustIt(path, replace);
      return { ...trusted, collectorAddressSet: trusted.collectorAddress !== null && services.sync.adoptAddress(trusted.collectorAddress) };
    },
    "device.unlock": async ({ passphrase }) => {
      const status = services.identity.unlock(passphrase);
      services.sync.deviceUnlocked();
      return status;
    },
    "technician.set": async ({ name, pin }) => services.identity.setTechnician(name, pin),
    "ca.list": async () => services.ca.list(),
    "certificates.preflight": ({ controllerId }) => services.ca.preflight(controllerId),
    "ca.request": ({ site, out }) => services.ca.request(site, out),
    "ca.install": ({ path }) => services.ca.install(path),
    "ca.updateCrl": ({ path }) => services.ca.updateCrl(path),
    "certificates.revoke": ({ site, serial, reason, out }) => services.ca.revokeIssued(site, serial, reason, out),
    "certificates.issue": async ({ site, controllerId, csr, names, days }) => {
      const issued = await services.ca.issue({ site, controllerId, csrPem: csr, names, days, method: "manual" });
      return { ...issued, names: { applicationUri: issued.names.applicationUri, dns: [...issued.names.dns], ips: [...issued.names.ips] } };
    },
    "technician.signIn": async ({ pin }) => services.identity.signInTechnician(pin),
  };
}
