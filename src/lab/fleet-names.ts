/** Service centers the generator draws sites from (the first three make the shipped example). */
export const SITE_NAMES: [id: string, code: string, name: string][] = [
  ['bruehl', 'BRU', 'Brühl'], ['koeln', 'KOE', 'Köln'], ['leipzig', 'LEI', 'Leipzig'], ['muenchen', 'MUC', 'München'],
  ['nuernberg', 'NUE', 'Nürnberg'], ['duesseldorf', 'DUS', 'Düsseldorf'], ['hamburg', 'HAM', 'Hamburg'], ['berlin', 'BER', 'Berlin'],
  ['bremen', 'BRE', 'Bremen'], ['hannover', 'HAN', 'Hannover'], ['dresden', 'DRE', 'Dresden'], ['erfurt', 'ERF', 'Erfurt'],
  ['kiel', 'KIE', 'Kiel'], ['rostock', 'ROS', 'Rostock'], ['luebeck', 'LUE', 'Lübeck'], ['muenster', 'MUN', 'Münster'],
  ['bielefeld', 'BIE', 'Bielefeld'], ['dortmund', 'DOR', 'Dortmund'], ['essen', 'ESS', 'Essen'], ['bochum', 'BOC', 'Bochum'],
  ['duisburg', 'DUI', 'Duisburg'], ['bonn', 'BON', 'Bonn'], ['aachen', 'AAC', 'Aachen'], ['koblenz', 'KOB', 'Koblenz'],
  ['trier', 'TRI', 'Trier'], ['saarbruecken', 'SAA', 'Saarbrücken'], ['mainz', 'MAI', 'Mainz'], ['wiesbaden', 'WIE', 'Wiesbaden'],
  ['frankfurt', 'FRA', 'Frankfurt am Main'], ['darmstadt', 'DAR', 'Darmstadt'], ['mannheim', 'MAN', 'Mannheim'], ['karlsruhe', 'KAR', 'Karlsruhe'],
  ['stuttgart', 'STU', 'Stuttgart'], ['ulm', 'ULM', 'Ulm'], ['freiburg', 'FRE', 'Freiburg im Breisgau'], ['konstanz', 'KON', 'Konstanz'],
  ['augsburg', 'AUG', 'Augsburg'], ['regensburg', 'REG', 'Regensburg'], ['wuerzburg', 'WUE', 'Würzburg'], ['bamberg', 'BAM', 'Bamberg'],
  ['kassel', 'KAS', 'Kassel'], ['goettingen', 'GOE', 'Göttingen'], ['braunschweig', 'BRA', 'Braunschweig'], ['magdeburg', 'MAG', 'Magdeburg'],
  ['halle', 'HAL', 'Halle (Saale)'], ['chemnitz', 'CHE', 'Chemnitz'], ['jena', 'JEN', 'Jena'], ['potsdam', 'POT', 'Potsdam'],
  ['schwerin', 'SCH', 'Schwerin'], ['osnabrueck', 'OSN', 'Osnabrück'], ['oldenburg', 'OLD', 'Oldenburg'], ['paderborn', 'PAD', 'Paderborn'],
  ['siegen', 'SIE', 'Siegen'], ['gera', 'GER', 'Gera'], ['cottbus', 'COT', 'Cottbus'], ['passau', 'PAS', 'Passau'],
];

export const FIRST_NAMES = [
  'Anna', 'Jörg', 'Jürgen', 'Sören', 'Björn', 'Günther', 'Käthe', 'Lena', 'Maximilian', 'Sophie', 'Lukas', 'Marie',
  'Jonas', 'Hannah', 'Leon', 'Emma', 'Felix', 'Mia', 'Paul', 'Lea', 'Tobias', 'Sabine', 'Michael', 'Ursula',
  'Thomas', 'Petra', 'Stefan', 'Monika', 'Andreas', 'Birgit', 'Özlem', 'Mehmet', 'Zoë', 'René', 'André', 'Hélène',
  'Katarzyna', 'Dmitri', 'Aylin', 'Niklas', 'Jana', 'Florian', 'Claudia', 'Matthias', 'Heike', 'Sven', 'Ines', 'Uwe',
];

export const LAST_NAMES = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch',
  'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann',
  'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier', 'Lehmann', 'Schmid', 'Schulze', 'Maier', 'Köhler', 'Herrmann',
  'König', 'Walter', 'Mayer', 'Huber', 'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung',
  'Hahn', 'Vogel', 'Friedrich', 'Keller', 'Günther', 'Frank', 'Berger', 'Winkler', 'Roth', 'Beck', 'Lorenz', 'Baumann',
  'Yılmaz', 'Kaya', 'Nowak', 'Kowalski', 'Dąbrowski', 'Ivanović', 'Groß', 'Straße', 'von der Heide', 'Meyer-Lüdenscheid',
];

/** Mailbox local part for a name: umlauts transliterated, other marks and spaces dropped. */
export function toMailboxPart(name: string): string {
  return name
    .toLowerCase()
    .replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss').replace(/ı/g, 'i')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/ą/g, 'a')
    .replace(/[^a-z0-9-]+/g, '');
}
