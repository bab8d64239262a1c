// An independent multi-source AML test set: see README.md.
//   node gen.mjs SEED OUTDIR [PEOPLE]          (ROW_PER_ACCOUNT=1: a customer row per account)
// Everything is invented: Faker's names, addresses and companies.
import { fakerES_MX, fakerEN_US, fakerEN_GB, fakerRU, faker } from "@faker-js/faker";
import fs from "fs";

const seed = +process.argv[2] || 1, out = process.argv[3] || "out", NP = +process.argv[4] || 5000;
for (const f of [fakerES_MX, fakerEN_US, fakerEN_GB, fakerRU, faker]) f.seed(seed);
fs.mkdirSync(out, { recursive: true });
let rs = seed * 7919 + 13;
const rnd = () => { rs ^= rs << 13; rs ^= rs >>> 17; rs ^= rs << 5; return ((rs >>> 0) % 1e9) / 1e9; };
const pick = (a) => a[Math.floor(rnd() * a.length)];
const chance = (p) => rnd() < p;
const int = (a, b) => a + Math.floor(rnd() * (b - a + 1));
const digits = (n) => Array.from({ length: n }, () => int(0, 9)).join("");
const strip = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");

// --- transliteration of Russian (three systems)
const RU = { а:"a",б:"b",в:"v",г:"g",д:"d",е:"e",ё:"e",ж:"zh",з:"z",и:"i",й:"y",к:"k",л:"l",м:"m",н:"n",о:"o",п:"p",р:"r",с:"s",т:"t",у:"u",ф:"f",х:"kh",ц:"ts",ч:"ch",ш:"sh",щ:"shch",ъ:"",ы:"y",ь:"",э:"e",ю:"yu",я:"ya" };
const ICAO = { ...RU, й:"i", ю:"iu", я:"ia", ъ:"ie" };
const GER = { ...RU, ж:"j", х:"h", й:"i", ю:"ju", я:"ja", щ:"sch", ц:"tz" };
function translit(s, sys) {
  let o = "";
  for (const ch of s) {
    const lo = ch.toLowerCase(); const t = sys[lo];
    if (t === undefined) { o += ch; continue; }
    o += ch !== lo && t ? t[0].toUpperCase() + t.slice(1) : t;
  }
  return o.replace(/iy\b/g, sys === RU ? "iy" : "ii");
}
const ARAB_GIVEN = [["Mohammed","Muhammad","Mohamed"],["Ahmed","Ahmad"],["Abdullah","Abdallah"],["Omar","Umar"],["Yousef","Youssef","Yusuf"],["Khalid","Khaled"],["Hassan","Hasan"],["Hussein","Husain","Hussain"],["Ibrahim","Ebrahim"],["Mustafa","Mostafa"],["Tariq","Tarek"],["Saeed","Said"],["Faisal","Faysal"],["Nasser","Naser"],["Fatima","Fatma"],["Aisha","Aicha","Ayesha"],["Mariam","Maryam"],["Layla","Leila"],["Noura","Nora"],["Huda","Hoda"],["Abdul Rahman","Abdelrahman","Abd al-Rahman"],["Abdul Aziz","Abdelaziz"],["Salma"],["Rania"],["Karim","Kareem"],["Walid","Waleed"],["Jamal","Gamal"],["Ziad","Ziyad"],["Bilal"],["Sami","Samy"]];
const ARAB_FAM = [["Al-Rashid","Alrashid","El Rashid"],["Al-Harbi","Alharbi"],["Al-Qahtani","Alkahtani","Al Qahtani"],["Haddad","Hadad"],["Khoury","Khouri","El Khoury"],["Mansour","Mansur"],["Nasr","Nassar"],["Saleh","Salih"],["Hamdan"],["Al-Amin","Alamin","El-Amin"],["Farouk","Faruq"],["Othman","Osman","Uthman"],["Zaki","Zaky"],["Bakr","Bakir"],["Darwish","Darwiche"],["Qureshi","Kureishi"],["Suleiman","Sulaiman","Soliman"],["Aziz"],["Jaber","Jabir"],["Al-Masri","Elmasry","Al Masri"],["Shamsi","Al-Shamsi"],["Hakim","Hakeem"],["Yassin","Yasin"],["Abbas"],["Karimi"],["Toukan","Tuqan"],["Barakat"],["Ghanem","Ghanim"],["Sabbagh"],["Awad","Awwad"]];
const CN_FAM = [["Wang"],["Li","Lee"],["Zhang","Chang"],["Liu","Lau"],["Chen","Chan"],["Yang","Yeung"],["Huang","Wong"],["Zhao","Chiu"],["Wu","Ng"],["Zhou","Chow"],["Xu","Hsu"],["Sun"],["Ma"],["Zhu","Chu"],["Hu","Woo"],["Guo","Kwok"],["He","Ho"],["Lin","Lam"],["Gao","Ko"],["Luo","Law"]];
const SYL = ["wei","ming","jian","hua","li","xiao","hong","yan","jun","ling","ping","gang","qiang","fang","xin","yu","hao","jie","lei","tao","bo","chen","dong","feng","guo","hui","kai","lan","mei","na","qing","rui","shan","ting","wen","xia","yi","yong","zhen","zhi"];
const KR_FAM = [["Kim","Gim"],["Lee","Yi","Rhee"],["Park","Pak","Bak"],["Choi","Choe"],["Jung","Jeong","Chung"],["Kang"],["Cho","Jo"],["Yoon","Yun"],["Jang","Chang"],["Lim","Im"]];
const KR_SYL = ["min","jun","seo","yeon","ji","hoon","woo","hyun","soo","young","jae","eun","sung","ho","jin","kyung","dong","hee","tae","su"];
const NICK = { William:["Bill","Will"], Robert:["Bob","Rob"], Richard:["Rick","Dick"], James:["Jim","Jimmy"], John:["Jack","Johnny"], Michael:["Mike"], Elizabeth:["Liz","Beth"], Katherine:["Kate","Kathy"], Margaret:["Maggie","Peggy"], Thomas:["Tom"], Joseph:["Joe"], Charles:["Charlie","Chuck"], Daniel:["Dan"], Jennifer:["Jenny"], Christopher:["Chris"], Anthony:["Tony"], Francisco:["Paco","Pancho"], "José":["Pepe"], Guadalupe:["Lupe"], Alejandro:["Alex"], Roberto:["Beto"], Jesús:["Chucho"], Ignacio:["Nacho"], Eduardo:["Lalo"], Dolores:["Lola"], Enrique:["Quique"], Alexander:["Alex"], Patricia:["Patty"], Rebecca:["Becky"], Samuel:["Sam"], Benjamin:["Ben"] };

const CTRY = { hispanic:["MX","MX","MX","CO","ES"], anglo:["US","US","GB"], slavic:["RU","RU","UA"], arabic:["AE","SA","EG","JO"], east_asian:["CN","CN","KR"] };
const ADJ = { MX:["Mexican","mexicana"], CO:["Colombian"], ES:["Spanish"], US:["American","United States"], GB:["British","UK"], RU:["Russian","Russian Federation"], UA:["Ukrainian"], AE:["Emirati","UAE"], SA:["Saudi","Saudi Arabian"], EG:["Egyptian"], JO:["Jordanian"], CN:["Chinese","China"], KR:["South Korean","Korea, Republic of"] };
function mobile(c) {
  switch (c) {
    case "US": return "+1" + pick(["212","305","312","415","617","713","202","404"]) + int(2,9) + digits(2) + int(2,9) + digits(3);
    case "MX": return "+52" + pick(["55","33","81"]) + int(1,9) + digits(7);
    case "CO": return "+573" + pick(["00","01","10","15","20"]) + int(2,9) + digits(6);
    case "ES": return "+346" + digits(8);
    case "GB": return "+447" + pick(["400","700","911","812","555"]).replace("555","507") + digits(6);
    case "RU": case "UA": return c === "RU" ? "+79" + pick(["03","05","10","16","26"]) + digits(7) : "+38067" + digits(7);
    case "AE": return "+9715" + pick(["0","2","5","6"]) + digits(7);
    case "SA": return "+9665" + pick(["0","3","5"]) + digits(7);
    case "EG": return "+2010" + digits(8);
    case "JO": return "+9627" + pick(["7","8","9"]) + digits(7);
    case "CN": return "+861" + pick(["38","39","50","86"]) + digits(8);
    case "KR": return "+8210" + int(2,9) + digits(7);
  }
}
const LOC = { hispanic: fakerES_MX, anglo: fakerEN_US, slavic: fakerRU, arabic: fakerEN_GB, east_asian: fakerEN_GB };
function ruAddr() { return translit(fakerRU.location.streetAddress(), RU); }
function typo(s) {
  if (s.length < 4) return s;
  const i = int(1, s.length - 2), k = int(0, 2);
  if (k === 0) return s.slice(0, i) + s.slice(i + 1);
  if (k === 1) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  return s.slice(0, i) + pick("aeiounrstl".split("")) + s.slice(i + 1);
}
const iso = (d) => d.toISOString().slice(0, 10);
function dob(min = 1940, max = 2002) { return new Date(Date.UTC(int(min, max), int(0, 11), int(1, 28))); }

// --- entities
const people = [], companies = [];
let eid = 0;
function newPerson(origin) {
  const p = { id: "P" + (++eid), origin, kind: "person", sex: pick(["male", "female"]) };
  p.country = pick(CTRY[origin]);
  if (origin === "hispanic") {
    p.given = [strip(fakerES_MX.person.firstName(p.sex)).replace(/ .*/, "")];
    if (chance(0.4)) p.given.push(strip(fakerES_MX.person.firstName(p.sex)).replace(/ .*/, ""));
    p.fam = [fakerES_MX.person.lastName().split(" ").pop(), fakerES_MX.person.lastName().split(" ").pop()].map((s) => s[0].toUpperCase() + s.slice(1));
  } else if (origin === "anglo") {
    const f = p.country === "GB" ? fakerEN_GB : fakerEN_US;
    p.given = [f.person.firstName(p.sex)]; if (chance(0.5)) p.given.push(f.person.firstName(p.sex));
    p.fam = [f.person.lastName()];
  } else if (origin === "slavic") {
    p.cyr = [fakerRU.person.firstName(p.sex), fakerRU.person.middleName(p.sex), fakerRU.person.lastName(p.sex)];
    p.given = [translit(p.cyr[0], RU), translit(p.cyr[1], RU)]; p.fam = [translit(p.cyr[2], RU)];
  } else if (origin === "arabic") {
    const g = pick(ARAB_GIVEN), f = pick(ARAB_FAM);
    p.gvar = g; p.fvar = f; p.given = [g[0]]; if (chance(0.4)) p.given.push(pick(ARAB_GIVEN)[0]); p.fam = [f[0]];
  } else {
    if (chance(0.6)) { const f = pick(CN_FAM); p.fvar = f; p.fam = [f[0]]; p.given = [cap(pick(SYL) + (chance(0.7) ? pick(SYL) : ""))]; p.country = "CN"; }
    else { const f = pick(KR_FAM); p.fvar = f; p.fam = [f[0]]; const a = pick(KR_SYL), b = pick(KR_SYL); p.given = [cap(a) + "-" + b]; p.country = "KR"; }
  }
  p.dob = dob();
  p.mobile = mobile(p.country);
  p.email = (strip(p.given[0]) + "." + strip(p.fam[0])).toLowerCase().replace(/[^a-z.]/g, "") + int(1, 99) + "@" + pick(["gmail.com", "yahoo.com", "outlook.com", "mail.ru", "hotmail.com"]);
  const f = LOC[origin];
  p.street = origin === "slavic" ? ruAddr() : strip(f.location.streetAddress());
  p.city = origin === "slavic" ? translit(fakerRU.location.city(), RU) : strip(f.location.city());
  p.zip = f.location.zipCode();
  p.taxid = { US: digits(3) + "-" + digits(2) + "-" + digits(4), MX: "X".repeat(0) + strip(p.fam[0]).slice(0, 2).toUpperCase() + strip(p.fam[1] || "X")[0].toUpperCase() + strip(p.given[0])[0].toUpperCase() + iso(p.dob).slice(2).replace(/-/g, "") + digits(3), GB: "AB" + digits(6) + "C", RU: digits(12) }[p.country] || null;
  p.passport = pick(["A", "E", "P", "K"]) + digits(8);
  p.accounts = [acct(p.country)]; if (chance(0.2)) p.accounts.push(acct(p.country));
  return p;
}
function cap(s) { return s[0].toUpperCase() + s.slice(1); }
function acct(c) {
  if (c === "GB") return "GB" + digits(2) + pick(["NWBK", "BARC", "HBUK", "LOYD"]) + digits(14);
  if (c === "MX") return digits(18);
  if (["ES", "AE", "SA", "EG", "JO", "UA"].includes(c)) return c + digits(2) + digits(18);
  return digits(int(10, 12));
}
const origins = ["hispanic", "hispanic", "hispanic", "anglo", "anglo", "slavic", "arabic", "east_asian"];
const hard = [];
for (let i = 0; i < NP; i++) {
  const p = newPerson(pick(origins));
  people.push(p);
  if (chance(0.12)) { // household member: spouse or sibling
    const q = newPerson(p.origin);
    q.fam = [...p.fam]; q.fvar = p.fvar; if (p.cyr) { q.cyr[2] = p.cyr[2]; }
    q.street = p.street; q.city = p.city; q.zip = p.zip; q.country = p.country; q.landline = p.landline = p.landline || mobile(p.country);
    people.push(q); hard.push([p.id, q.id, "household"]); i++;
  }
  if (chance(0.04) && p.sex === "male") { // junior
    const q = newPerson(p.origin);
    q.sex = "male"; q.given = [...p.given]; q.fam = [...p.fam]; q.gvar = p.gvar; q.fvar = p.fvar; q.cyr = p.cyr && [...p.cyr];
    q.street = p.street; q.city = p.city; q.zip = p.zip; q.country = p.country; q.jr = true;
    q.dob = dob(p.dob.getUTCFullYear() + 22, Math.min(2006, p.dob.getUTCFullYear() + 38));
    q.landline = p.landline = p.landline || mobile(p.country);
    q.email = p.email.replace("@", "jr@");
    people.push(q); hard.push([p.id, q.id, "junior"]); i++;
  }
  if (chance(0.03)) { // namesake
    const q = newPerson(p.origin);
    q.given = [...p.given]; q.fam = [...p.fam]; q.gvar = p.gvar; q.fvar = p.fvar; q.cyr = p.cyr && [...p.cyr];
    people.push(q); hard.push([p.id, q.id, "namesake"]); i++;
  }
}
const FORMS = { US: [["LLC", "L.L.C."], ["Inc", "Inc.", "Incorporated"], ["Corp", "Corporation"]], GB: [["Ltd", "Limited", "LTD."], ["PLC", "plc"], ["LLP"]], MX: [["S.A. de C.V.", "SA DE CV", "S.A. DE C.V."], ["S. de R.L.", "S DE RL"], ["S.C."]], RU: [["OOO", "LLC", "Obshchestvo s ogranichennoy otvetstvennostyu"], ["AO", "JSC"], ["PAO", "PJSC"]], AE: [["LLC", "L.L.C."], ["FZE", "FZCO"]] };
function newCompany() {
  const c = { id: "C" + (++eid), kind: "org", country: pick(["US", "US", "GB", "GB", "MX", "MX", "RU", "AE"]) };
  let base;
  if (c.country === "MX") base = strip(fakerES_MX.company.name()).replace(/ (e Hijos|Hermanos|y Asociados|S\.?A\.?.*)$/i, (m) => m.match(/Hijos|Hermanos|Asociados/) ? m : "");
  else if (c.country === "RU") base = translit(fakerRU.person.lastName(), RU) + " " + pick(["Trade", "Stroy", "Invest", "Neft", "Logistik", "Prom", "Servis"]);
  else if (c.country === "AE") base = pick(["Gulf", "Emirates", "Al Noor", "Desert", "Falcon", "Pearl", "Oasis", "Crescent"]) + " " + pick(["General Trading", "Holdings", "Logistics", "Real Estate", "Investments", "Shipping"]);
  else base = (c.country === "GB" ? fakerEN_GB : fakerEN_US).company.name().replace(/ (LLC|Inc|Group|and Sons)$/, (m) => m === " Group" || m === " and Sons" ? m : "");
  base = base.replace(/ - /g, " ").replace(/,/g, "");
  c.base = base; c.form = pick(FORMS[c.country]);
  c.reg = { US: digits(2) + "-" + digits(7), GB: "0" + digits(7), MX: base.replace(/[^A-Za-z]/g, "").slice(0, 3).toUpperCase() + digits(6) + "AB" + int(1, 9), RU: "1" + digits(12), AE: "CN-" + digits(7) }[c.country];
  const f = c.country === "MX" ? fakerES_MX : c.country === "GB" ? fakerEN_GB : fakerEN_US;
  c.street = c.country === "RU" ? ruAddr() : strip(f.location.streetAddress()); c.city = c.country === "RU" ? translit(fakerRU.location.city(), RU) : strip(f.location.city());
  c.zip = f.location.zipCode();
  c.phone = mobile(c.country === "AE" ? "AE" : c.country);
  c.accounts = [acct(c.country)];
  c.founded = dob(1960, 2022);
  c.officers = [];
  return c;
}
for (let i = 0; i < NP / 4; i++) {
  const c = newCompany(); companies.push(c);
  if (chance(0.05)) { const d = newCompany(); d.base = c.base; d.country = c.country; d.form = pick(FORMS[c.country]); companies.push(d); hard.push([c.id, d.id, "near_company"]); }
}
for (const c of companies) {
  const n = int(1, 3);
  for (let k = 0; k < n; k++) c.officers.push(pick(people));
  if (chance(0.08)) { // company named after an officer
    const o = c.officers[0]; c.base = o.given[0] + " " + o.fam[0]; hard.push([c.id, o.id, "officer"]);
  }
}

// --- name renderings
function givenVar(p, nick) {
  let g = p.given[0];
  if (p.gvar && chance(0.5)) g = pick(p.gvar);
  if (p.origin === "slavic" && chance(0.5)) g = translit(p.cyr[0], pick([ICAO, GER]));
  if (p.origin === "east_asian" && chance(0.4)) g = g.includes("-") ? g.replace("-", chance(0.5) ? "" : " ") : g;
  if (nick && NICK[g] && chance(0.5)) g = pick(NICK[g]);
  return g;
}
function famVar(p, whole) {
  let f = [...p.fam];
  if (p.fvar && chance(0.5)) f = [pick(p.fvar)];
  if (p.origin === "slavic" && chance(0.5)) f = [translit(p.cyr[2], pick([ICAO, GER]))];
  if (p.origin === "hispanic" && !whole && chance(0.35)) f = [f[0]];
  return f;
}
function fullName(p, o = {}) {
  let g = [givenVar(p, o.nick)];
  if (p.given.length > 1 && (o.middle === "full" || (o.middle === undefined && chance(0.5)))) g.push(p.origin === "slavic" && chance(0.5) ? translit(p.cyr[1], pick([ICAO, GER])) : p.given[1]);
  else if (p.given.length > 1 && o.middle === "initial") g.push(p.given[1][0] + ".");
  let f = famVar(p, o.whole);
  let s;
  if (p.origin === "east_asian" && chance(0.5)) s = f.join(" ") + " " + g.join(" ");
  else s = g.join(" ") + " " + f.join(" ");
  if (p.jr && chance(0.5)) s += pick([" Jr", " Jr.", " JR", ", Jr."]);
  if (o.typo && chance(o.typo)) s = typo(s);
  return s;
}
const up = (s) => strip(s).toUpperCase();

// --- sources
const truth = [["source", "record_id", "entity_id"]];
const csvq = (v) => v == null ? "" : /[",\n]/.test(v) ? '"' + String(v).replace(/"/g, '""') + '"' : String(v);
const mmdd = (d) => String(d.getUTCMonth() + 1).padStart(2, "0") + "/" + String(d.getUTCDate()).padStart(2, "0") + "/" + d.getUTCFullYear();
function natPhone(ph, region) {
  if (region === "US" && ph.startsWith("+1")) return pick([`(${ph.slice(2, 5)}) ${ph.slice(5, 8)}-${ph.slice(8)}`, `${ph.slice(2, 5)}-${ph.slice(5, 8)}-${ph.slice(8)}`, ph.slice(2)]);
  return pick([ph, "011" + ph.slice(1), ph.replace(/^\+(\d{1,3})(\d{2,3})(\d+)$/, "+$1 $2 $3")]);
}
// 1. crm.csv: a US bank's customer file
{
  const rows = [["CustomerID", "CustType", "FirstName", "MiddleName", "LastName", "BusinessName", "DOB", "SSN_TIN", "Email", "Phone", "HomePhone", "Addr1", "City", "State", "PostalCode", "CountryCode", "AccountNo"]];
  let n = 0;
  for (const p of people) {
    if (!chance(0.55)) continue;
    const copies = process.env.ROW_PER_ACCOUNT ? (p.accounts.length > 1 && chance(0.7) ? 2 : chance(0.04) ? 2 : 1) : chance(0.1) ? 2 : 1;
    for (let k = 0; k < copies; k++) {
      const id = "CU" + String(++n).padStart(7, "0");
      const g = givenVar(p, k > 0), f = famVar(p, k === 0);
      const mid = p.given.length > 1 ? (chance(0.5) ? p.given[1] : p.given[1][0]) : "";
      let last = f.join(" "); if (p.jr && chance(0.6)) last += " Jr";
      rows.push([id, "I", k > 0 && chance(0.2) ? typo(g) : g, mid, k > 0 && chance(0.1) ? typo(last) : last, "", chance(0.95) ? mmdd(k > 0 && chance(0.05) ? dob() : p.dob) : "", chance(0.7) ? p.taxid : "", chance(0.6) ? p.email : "", chance(0.8) ? natPhone(p.mobile, "US") : "", p.landline && chance(0.7) ? natPhone(p.landline, "US") : "", k > 0 && chance(0.3) ? strip(fakerEN_US.location.streetAddress()) : p.street, p.city, p.country === "US" ? fakerEN_US.location.state({ abbreviated: true }) : "", p.zip, p.country, chance(0.8) ? p.accounts[process.env.ROW_PER_ACCOUNT ? k % p.accounts.length : 0] : ""]);
      truth.push(["crm", id, p.id]);
    }
  }
  for (const c of companies) {
    if (!chance(0.5)) continue;
    const id = "CU" + String(++n).padStart(7, "0");
    rows.push([id, "B", "", "", "", c.base + " " + pick(c.form), "", chance(0.7) ? c.reg : "", "", chance(0.7) ? natPhone(c.phone, "US") : "", "", c.street, c.city, "", c.zip, c.country, c.accounts[0]]);
    truth.push(["crm", id, c.id]);
  }
  fs.writeFileSync(out + "/crm.csv", rows.map((r) => r.map(csvq).join(",")).join("\r\n") + "\r\n");
}
// 2. onboarding.ndjson: an acquired bank's KYC, nested
{
  const lines = []; let n = 0;
  for (const p of people) {
    if (!chance(0.35)) continue;
    const id = "ONB-" + (++n);
    const names = [{ kind: "primary", full: fullName(p, { typo: 0.08, nick: false }) }];
    if (chance(0.15)) names.push({ kind: "aka", full: fullName(p, { nick: true }) });
    const docs = [];
    if (chance(0.6)) docs.push({ type: "passport", number: p.passport, country: p.country });
    if (p.taxid && chance(0.5)) docs.push({ type: "tax_id", number: p.taxid.replace(/-/g, chance(0.5) ? "" : "-") });
    const contacts = [];
    if (chance(0.7)) contacts.push({ type: "phone", value: chance(0.5) ? p.mobile : p.mobile.replace(/^\+/, "00") });
    if (chance(0.5)) contacts.push({ type: "email", value: p.email.toUpperCase() });
    lines.push(JSON.stringify({ ref: id, party: { type: "natural", names, birth: chance(0.85) ? { date: iso(p.dob) } : {}, nationality: p.country, documents: docs, contacts }, addresses: chance(0.8) ? [{ line1: p.street, city: p.city, postcode: p.zip, country: p.country }] : [] }));
    truth.push(["onboarding", id, p.id]);
  }
  for (const c of companies) {
    if (!chance(0.35)) continue;
    const id = "ONB-" + (++n);
    lines.push(JSON.stringify({ ref: id, party: { type: "legal", names: [{ kind: "primary", full: up(c.base + " " + pick(c.form)) }], documents: chance(0.7) ? [{ type: "registration", number: c.reg, country: c.country }] : [], contacts: chance(0.5) ? [{ type: "phone", value: c.phone }] : [] }, addresses: [{ line1: c.street, city: c.city, postcode: c.zip, country: c.country }] }));
    truth.push(["onboarding", id, c.id]);
  }
  fs.writeFileSync(out + "/onboarding.ndjson", lines.join("\n") + "\n");
}
// 3. registry: companies.csv and officers.csv
{
  const cr = [["company_number", "company_name", "incorporated_on", "registered_address", "country"]];
  const or = [["appointment_id", "company_number", "officer_name", "role", "dob_year", "dob_month", "nationality", "address"]];
  let a = 0;
  for (const c of companies) {
    if (!chance(0.7)) continue;
    cr.push([c.reg, up(c.base) + " " + up(c.form[0]), iso(c.founded), up(c.street + ", " + c.city + " " + c.zip), c.country]);
    truth.push(["companies", c.reg, c.id]);
    for (const o of c.officers) {
      const id = "AP" + (++a);
      const f = famVar(o, true).join(" ").toUpperCase(), g = [givenVar(o, false), ...(o.given.length > 1 ? [o.given[1]] : [])].join(" ");
      or.push([id, c.reg, `${f}, ${g}`, pick(["director", "secretary", "director"]), o.dob.getUTCFullYear(), o.dob.getUTCMonth() + 1, pick(ADJ[o.country]), chance(0.5) ? o.street + ", " + o.city : c.street + ", " + c.city]);
      truth.push(["officers", id, o.id]);
    }
  }
  fs.writeFileSync(out + "/companies.csv", cr.map((r) => r.map(csvq).join(",")).join("\n") + "\n");
  fs.writeFileSync(out + "/officers.csv", or.map((r) => r.map(csvq).join(",")).join("\n") + "\n");
}
// 4. watchlist.json: a JSON array
{
  const list = []; let n = 0;
  const listed = [...people.filter(() => chance(0.06))];
  for (let i = 0; i < 300; i++) { const p = newPerson(pick(origins)); listed.push(p); }
  for (const p of listed) {
    const id = "WL" + (++n);
    const f = famVar(p, true), g = p.given.map((x, i) => i === 0 ? givenVar(p, false) : x);
    const aka = [];
    for (let k = 0; k < int(0, 3); k++) aka.push(fullName(p, { middle: "full", whole: true }));
    if (p.cyr && chance(0.5)) aka.push(p.cyr.join(" "));
    const d = p.dob; const mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
    list.push({ uid: id, entity_type: "Individual", name: `${f.join(" ").toUpperCase()}, ${g.join(" ")}`, aka, dob: chance(0.2) ? [`circa ${d.getUTCFullYear()}`] : chance(0.2) ? [`${d.getUTCFullYear()}`, `${d.getUTCFullYear() + 1}`] : [`${d.getUTCDate()} ${mon} ${d.getUTCFullYear()}`], nationality: pick(ADJ[p.country]), documents: chance(0.5) ? [{ type: "Passport", number: p.passport }] : [], addresses: chance(0.4) ? [{ city: p.city, country: p.country }] : [] });
    truth.push(["watchlist", id, p.id]);
  }
  const lc = companies.filter(() => chance(0.06));
  for (let i = 0; i < 60; i++) { const c = newCompany(); companies.push(c); lc.push(c); }
  for (const c of lc) {
    const id = "WL" + (++n);
    list.push({ uid: id, entity_type: "Entity", name: up(c.base + " " + c.form[0]), aka: chance(0.3) ? [up(c.base)] : [], documents: chance(0.5) ? [{ type: "Registration Number", number: c.reg }] : [], addresses: [{ city: c.city, country: c.country }] });
    truth.push(["watchlist", id, c.id]);
  }
  fs.writeFileSync(out + "/watchlist.json", JSON.stringify(list, null, 2));
  for (const p of listed) if (!people.includes(p)) people.push(p);
}
// 5. wires.tsv: payment messages, two parties a row
{
  const rows = [["TxnRef", "ValueDate", "Amount", "Ccy", "OrdName", "OrdAcct", "OrdAddr", "OrdCtry", "BenName", "BenAcct", "BenCtry"]];
  const parties = [...people, ...companies];
  const payName = (e) => {
    let s;
    if (e.kind === "org") s = up(e.base + " " + pick(e.form));
    else {
      const g = up(givenVar(e, true)), f = up(famVar(e, false).join(" "));
      s = pick([`${g} ${f}`, `${f}/${g}`, `${f} ${g}`, `${g} ${f}`, `1/${g} ${f}`]);
      if (e.given.length > 1 && chance(0.3)) s = s.replace(g, g + " " + up(e.given[1]));
    }
    s = s.replace(/[^A-Z0-9 \/.,-]/g, "");
    return s.slice(0, 35);
  };
  const active = parties.filter(() => chance(0.3));
  for (let i = 0; i < NP * 1.2; i++) {
    const o = pick(active), b = pick(parties);
    if (o === b) continue;
    const id = "TX" + String(i).padStart(8, "0");
    rows.push([id, "2026-" + String(int(1, 11)).padStart(2, "0") + "-" + String(int(1, 28)).padStart(2, "0"), (rnd() * 50000).toFixed(2), pick(["USD", "EUR", "MXN"]), payName(o), pick(o.accounts), chance(0.6) ? up(o.street + " " + o.city).slice(0, 35) : "", o.country, payName(b), chance(0.8) ? pick(b.accounts) : "", b.country]);
    truth.push(["wires.originator", id, o.id]); truth.push(["wires.beneficiary", id, b.id]);
  }
  fs.writeFileSync(out + "/wires.tsv", rows.map((r) => r.join("\t")).join("\n") + "\n");
}
fs.writeFileSync(out + "/truth.csv", truth.map((r) => r.join(",")).join("\n") + "\n");
fs.writeFileSync(out + "/hard.csv", "a,b,kind\n" + hard.map((r) => r.join(",")).join("\n") + "\n");
const origin = {}; for (const p of people) origin[p.id] = p.origin; for (const c of companies) origin[c.id] = "org";
fs.writeFileSync(out + "/origin.json", JSON.stringify(origin));
console.error("people", people.length, "companies", companies.length, "truth rows", truth.length - 1);
