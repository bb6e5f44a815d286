import { FormGroup, InputGroup, Intent, TextArea } from "@blueprintjs/core";
import { useState } from "react";
import { FormDialog } from "../../components/FormDialog";

interface Props {
  readonly onClose: () => void;
  readonly onScan: (targets: string[], ports: number[]) => void;
}

/** Endpoints not in the plant file: hosts, ranges or URLs, and the ports to try. */
export function TargetsDialog({ onClose, onScan }: Props): React.JSX.Element {
  const [targets, setTargets] = useState("");
  const [ports, setPorts] = useState("4840");
  const portList = ports.split(/[\s,]+/).filter(Boolean).map(Number);
  const portsOk = portList.length > 0 && portList.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535);
  return (
    <FormDialog
      onClose={onClose}
      title="Scan endpoints"
      icon="satellite"
      primary={{
        text: "Scan",
        icon: "search",
        disabled: targets.trim() === "" || !portsOk,
        onClick: () => {
          onScan(targets.split("\n").map((t) => t.trim()).filter(Boolean), portList);
          onClose();
        },
      }}
    >
      <FormGroup label="Hosts, ranges or URLs" labelFor="scan-targets" helperText="One per line: 10.4.2.10-40, plc-7.line2.local, opc.tcp://10.4.2.5:4840">
        <TextArea id="scan-targets" size="large" fill rows={5} autoFocus value={targets} onChange={(e) => setTargets(e.target.value)} />
      </FormGroup>
      <FormGroup label="Ports" labelFor="scan-ports" helperText={portsOk ? "Comma separated" : "Whole numbers from 1 to 65535, comma separated"} intent={portsOk ? Intent.NONE : Intent.DANGER}>
        <InputGroup id="scan-ports" size="large" value={ports} onValueChange={setPorts} intent={portsOk ? Intent.NONE : Intent.DANGER} />
      </FormGroup>
    </FormDialog>
  );
}
