/**
 * What to do about a failure, in the words a supporter or central IT needs: one short sentence per error class
 * and per common cause. Causes are recognised by their message (as the PC or the transport said it), so the same
 * advice appears in `errors`, `status`, the report and the digests.
 */
import type { ErrorClass } from './result.js';

export interface Advice {
  /** Who usually acts: the supporter at the site, central IT, or whoever keeps the directory. */
  who: 'site' | 'central-it' | 'directory';
  /** One sentence, imperative: what to do before re-running. */
  text: string;
  /** The same in German, for the supporters of sites whose language is de (digests, worklists). */
  de: string;
}

/** The advice in the supporters' language. */
export function adviceText(advice: Advice, language: 'de' | 'en'): string {
  return language === 'de' ? advice.de : advice.text;
}

interface CauseAdvice { when: RegExp; classes?: readonly ErrorClass[]; os?: 'windows' | 'linux'; advice: Advice }

// First match wins; specific causes before the class-wide defaults below.
const CAUSES: readonly CauseAdvice[] = [
  // the control machine (preflight): what a run needs before any PC is contacted
  { when: /^secret \S+(?:: environment variable .* is not set|: cannot read | is used by a profile but not declared)/, advice: { who: 'central-it', text: 'Secret missing on this control machine: set the environment variable or create the file that homeshift.yaml names under secrets:, then try again.', de: 'Geheimnis fehlt auf diesem Steuerrechner: die Umgebungsvariable setzen oder die Datei anlegen, die homeshift.yaml unter secrets: nennt, dann erneut versuchen.' } },
  { when: /SSH identity file|no SSH identity|is encrypted with a passphrase|SSH_AUTH_SOCK is not set|SSH agent socket/, advice: { who: 'central-it', text: 'The service account\'s key is not usable on this control machine: fix the key file or agent that ssh: in homeshift.yaml names, then try again.', de: 'Der Schlüssel des Dienstkontos ist auf diesem Steuerrechner nicht nutzbar: die Schlüsseldatei oder den Agent reparieren, den ssh: in homeshift.yaml nennt, dann erneut versuchen.' } },
  { when: /known_hosts file .* (?:does not exist|cannot be read)/, advice: { who: 'central-it', text: 'Collect the PCs\' host keys into the known_hosts file (ssh-keyscan), or point ssh.knownHosts in homeshift.yaml at the file that holds them, then try again.', de: 'Die Hostschlüssel der PCs in die known_hosts-Datei übernehmen (ssh-keyscan) oder ssh.knownHosts in homeshift.yaml auf die Datei zeigen lassen, die sie enthält, dann erneut versuchen.' } },
  { when: /HOST KEY MISMATCH/, advice: { who: 'central-it', text: 'Host key changed: confirm with the site that the PC was reinstalled, remove its old line from known_hosts, then re-run.', de: 'Hostschlüssel geändert: mit dem Standort klären, ob der PC neu installiert wurde, seine alte Zeile aus known_hosts entfernen, dann erneut ausführen.' } },
  { when: /host key .* is revoked/i, advice: { who: 'central-it', text: 'Host key is revoked: the PC must not be trusted; have it reinstalled or replaced before re-running.', de: 'Hostschlüssel gesperrt: dem PC darf nicht vertraut werden; ihn neu installieren oder austauschen lassen, bevor er erneut an die Reihe kommt.' } },
  { when: /host key check failed|unknown host key|not in known_hosts|is not in \S*known_hosts/i, advice: { who: 'central-it', text: 'Host key unknown: add the PC\'s key to known_hosts (ssh-keyscan), then re-run.', de: 'Hostschlüssel unbekannt: den Schlüssel des PCs in known_hosts aufnehmen (ssh-keyscan), dann erneut ausführen.' } },
  { when: /ECONNREFUSED/, os: 'windows', advice: { who: 'central-it', text: 'Windows PC is on but its SSH service does not answer: OpenSSH Server is probably not set up there yet; deploy the script of `homeshift bootstrap windows` once (GPO, Intune or MECM; docs/bootstrap-windows.md), or Start-Service sshd where it is installed, then re-run.', de: 'Der Windows-PC ist an, aber sein SSH-Dienst antwortet nicht: OpenSSH Server ist dort vermutlich noch nicht eingerichtet; das Skript von `homeshift bootstrap windows` einmal verteilen (GPO, Intune oder MECM; docs/bootstrap-windows.md) oder, wo er installiert ist, Start-Service sshd, dann erneut ausführen.' } },
  { when: /ECONNREFUSED/, advice: { who: 'site', text: 'PC is on but its SSH service does not answer: start OpenSSH Server on the PC (Windows: Start-Service sshd), then re-run.', de: 'Der PC ist an, aber sein SSH-Dienst antwortet nicht: OpenSSH Server auf dem PC starten (Windows: Start-Service sshd), dann erneut ausführen.' } },
  { when: /ENOTFOUND|EAI_AGAIN/, advice: { who: 'central-it', text: 'PC name does not resolve: check its address in the inventory and DNS, then re-run.', de: 'Der PC-Name lässt sich nicht auflösen: seine Adresse im Inventar und im DNS prüfen, dann erneut ausführen.' } },
  { when: /EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|no SSH handshake within/, advice: { who: 'site', text: 'PC is off, asleep or not cabled: switch it on and plug in the network cable, then re-run.', de: 'Der PC ist aus, im Ruhezustand oder nicht verkabelt: einschalten und das Netzwerkkabel stecken, dann erneut ausführen.' } },
  { when: /connection lost|ECONNRESET|EPIPE/, advice: { who: 'site', text: 'Connection dropped while the PC was worked on (network or restart): check the cable and re-run; finished steps are not repeated.', de: 'Die Verbindung brach während der Arbeit am PC ab (Netzwerk oder Neustart): das Kabel prüfen und erneut ausführen; erledigte Schritte werden nicht wiederholt.' } },
  { when: /authentication failed|accepted none of the offered keys/i, advice: { who: 'central-it', text: 'Service account refused: check it is not locked or expired and that its key is installed on the PC (Windows: administrators_authorized_keys), then re-run.', de: 'Das Dienstkonto wurde abgewiesen: prüfen, dass es nicht gesperrt oder abgelaufen ist und sein Schlüssel auf dem PC hinterlegt ist (Windows: administrators_authorized_keys), dann erneut ausführen.' } },
  { when: /disk not encrypted|disk encryption cannot be switched on/i, advice: { who: 'site', text: 'Disk not encrypted: encrypt it on site (BitLocker or LUKS) before the PC goes home, then re-run.', de: 'Festplatte nicht verschlüsselt: vor Ort verschlüsseln (BitLocker oder LUKS), bevor der PC nach Hause geht, dann erneut ausführen.' } },
  { when: /no space left|disk full|not enough space|ENOSPC/i, advice: { who: 'site', text: 'Disk full: free space on the PC\'s system disk, then re-run.', de: 'Festplatte voll: auf dem Systemlaufwerk des PCs Platz schaffen, dann erneut ausführen.' } },
  { when: /mailbox/i, classes: ['step-failed', 'validation'], advice: { who: 'directory', text: 'Mailbox unknown or wrong: correct the employee\'s mailbox in the directory, then re-run.', de: 'Postfach unbekannt oder falsch: das Postfach der Mitarbeiterin oder des Mitarbeiters im Verzeichnis korrigieren, dann erneut ausführen.' } },
  // msiexec's exit codes, as the bundle step words them (its message names the code and what it means)
  { when: /another installation is already in progress|msiexec .* exited 1618\b/i, classes: ['step-failed'], advice: { who: 'site', text: 'Windows Installer is busy with another installation (updates or a user\'s setup): let it finish or restart the PC, then re-run.', de: 'Windows Installer ist mit einer anderen Installation beschäftigt (Updates oder ein Setup des Benutzers): sie abschließen lassen oder den PC neu starten, dann erneut ausführen.' } },
  { when: /installation package could not be opened|msiexec .* exited 16(?:19|20)\b/i, classes: ['step-failed'], advice: { who: 'central-it', text: 'MSI package missing or unreadable: check that the bundle\'s path exists on the share and that the service account may read it, then re-run.', de: 'MSI-Paket fehlt oder ist nicht lesbar: prüfen, dass die Datei des Bundles an ihrer Quelle liegt und der PC sie lesen darf, dann erneut ausführen.' } },
  { when: /forbidden by system policy|msiexec .* exited 1625\b/i, classes: ['step-failed'], advice: { who: 'central-it', text: 'A policy forbids the installation: allow Windows Installer for the service account (group policy), then re-run.', de: 'Eine Richtlinie verbietet die Installation: Windows Installer für das Dienstkonto erlauben (Gruppenrichtlinie), dann erneut ausführen.' } },
  { when: /fatal error during installation|msiexec .* exited 1603\b/i, classes: ['step-failed'], advice: { who: 'central-it', text: 'The MSI failed while installing: run it on one PC with msiexec /l*v to find the cause (prerequisite, older version, custom action), fix the package, then re-run.', de: 'Das MSI ist bei der Installation gescheitert: es auf einem PC mit msiexec /l*v ausführen, um die Ursache zu finden (Voraussetzung, ältere Version, benutzerdefinierte Aktion), das Paket korrigieren, dann erneut ausführen.' } },
  { when: /winget|msiexec|install(?:er|ation)? failed|package .* not (?:found|available)/i, classes: ['step-failed'], advice: { who: 'central-it', text: 'Software install failed: check the package source (share or winget) is reachable from the PC, then re-run.', de: 'Softwareinstallation fehlgeschlagen: prüfen, dass die Paketquelle (Verteilpunkt, Freigabe oder winget) vom PC erreichbar ist, dann erneut ausführen.' } },
];

const BY_CLASS: Record<ErrorClass, Advice> = {
  validation: { who: 'central-it', text: 'Repository data is wrong: fix what `homeshift validate` reports, then re-run.', de: 'Die Daten im Repository sind fehlerhaft: beheben, was `homeshift validate` meldet, dann erneut ausführen.' },
  unreachable: { who: 'site', text: 'PC not reachable: check that it is switched on and cabled, then re-run.', de: 'PC nicht erreichbar: prüfen, dass er eingeschaltet und verkabelt ist, dann erneut ausführen.' },
  auth: { who: 'central-it', text: 'Login refused: check the service account and its key on the PC, then re-run.', de: 'Anmeldung abgewiesen: das Dienstkonto und seinen Schlüssel auf dem PC prüfen, dann erneut ausführen.' },
  timeout: { who: 'site', text: 'A step ran past its time limit: check whether the PC is slow or an installer hangs; raise the step\'s timeout if that is normal, then re-run.', de: 'Ein Schritt hat sein Zeitlimit überschritten: prüfen, ob der PC langsam ist oder ein Installer hängt; wenn das normal ist, das Zeitlimit des Schritts erhöhen, dann erneut ausführen.' },
  'step-failed': { who: 'central-it', text: 'A step\'s own script failed on the PC (the template or the tool it called says why): read its message in `homeshift log MACHINE`, fix the cause, then re-run.', de: 'Das Skript eines Schritts ist auf dem PC gescheitert (die Vorlage oder das aufgerufene Werkzeug sagt warum): die Meldung in `homeshift log MACHINE` lesen, die Ursache beheben, dann erneut ausführen.' },
  interrupted: { who: 'site', text: 'The run ended before this PC was finished: finish it with `homeshift rollout --resume`.', de: 'Der Lauf endete, bevor dieser PC fertig war: mit `homeshift rollout --resume` abschließen.' },
  offline: { who: 'site', text: 'Call the colleague: is the PC switched on and on the VPN? It is run by itself as soon as it answers; park it (homeshift case park) if the colleague is away.', de: 'Die Kollegin oder den Kollegen anrufen: ist der PC eingeschaltet und mit dem VPN verbunden? Sobald er antwortet, wird er von selbst ausgeführt; ist die Person abwesend, den PC parken (homeshift case park).' },
  internal: { who: 'central-it', text: 'homeshift itself failed: keep the machine\'s log file and report it; re-run after the fix.', de: 'homeshift selbst ist gescheitert: die Protokolldatei des PCs aufbewahren und den Fehler melden; nach der Korrektur erneut ausführen.' },
};

/** What to do about a failure of this class with this message (or its normalised cause), on a PC of this OS where known. */
export function adviceFor(errorClass: ErrorClass | string | null, message: string | null, os?: 'windows' | 'linux'): Advice {
  const text = message ?? '';
  for (const cause of CAUSES) {
    if (cause.classes && !(cause.classes as readonly string[]).includes(errorClass ?? '')) continue;
    if (cause.os && cause.os !== os) continue;
    if (cause.when.test(text)) return cause.advice;
  }
  return BY_CLASS[errorClass as ErrorClass] ?? BY_CLASS.internal;
}
