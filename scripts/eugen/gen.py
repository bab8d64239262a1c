"""German-style multi-source set for Concord's accuracy test (examples/eu).

A generator written apart from internal/synth and scripts/indepgen, with the
conventions of German data: a bank's customer file (semicolon CSV with a BOM,
given name and surname in columns of their own, companies' names in a third,
dates DD.MM.YYYY, phones in five ways), a commercial register whose officers are
one cell in the register's own form ("Nachname, Vorname, Ort, *TT.MM.JJJJ",
several separated by "; "), an EU-style sanctions list (a JSON array: name
aliases, birth dates and identifications as lists of objects), and SEPA payments
(debtor and creditor in one row, names as banks write them, umlauts spelt out or
left, up to 70 characters). Hard negatives: namesakes; juniors at a parent's
address; a GmbH & Co. KG and its Verwaltungs GmbH at one address with one
officer. Everything is invented; standard library only.

    python3 gen.py SEED PEOPLE OUTDIR     # examples/eu: 1 3000, each file gzip -9 -n

truth.csv gives each record's entity (the register's officers are not scored:
a cell may hold two people); neg.csv the hard-negative pairs of entities.
"""
import random, json, csv, sys, os
seed = int(sys.argv[1]); N = int(sys.argv[2]); out = sys.argv[3]
r = random.Random(seed)
os.makedirs(out, exist_ok=True)
G = {
 'de': (['Hans','Peter','Klaus','Jürgen','Thomas','Michael','Andreas','Stefan','Wolfgang','Uwe','Frank','Matthias','Markus','Sabine','Petra','Monika','Ursula','Claudia','Andrea','Susanne','Birgit','Katrin','Julia','Anna','Lena','Lukas','Jonas','Felix','Maximilian','Sophie','Hannah','Karl-Heinz','Hans-Peter','Marie','Jörg','Björn','Günter','Dieter','Helga','Renate'],
        ['Müller','Schmidt','Schneider','Fischer','Weber','Meyer','Wagner','Becker','Schulz','Hoffmann','Schäfer','Koch','Bauer','Richter','Klein','Wolf','Schröder','Neumann','Schwarz','Zimmermann','Braun','Krüger','Hofmann','Hartmann','Lange','Schmitt','Werner','Schmitz','Krause','Meier','Lehmann','Schmid','Schulze','Maier','Köhler','Herrmann','König','Walter','Mayer','Huber','Kaiser','Fuchs','Peters','Lang','Scholz','Möller','Weiß','Jung','Hahn','Vogel','Friedrich','Keller','Günther','Frank','Berger','Winkler','Roth','Beck','Lorenz','Baumann','Franke','Albrecht','Schuster','Simon','Ludwig','Böhm','Winter','Kraus','Martin','Schumacher','Krämer','Vogt','Stein','Jäger','Otto','Sommer','Groß','Seidel','Heinrich','Brandt']),
 'ru': (['Sergei','Alexei','Dmitri','Andrei','Vladimir','Mikhail','Nikolai','Ivan','Yuri','Oleg','Igor','Pavel','Elena','Olga','Natalia','Irina','Svetlana','Tatiana','Yekaterina','Anastasia'],
        ['Ivanov','Smirnov','Kuznetsov','Popov','Vasiliev','Petrov','Sokolov','Mikhailov','Novikov','Fedorov','Morozov','Volkov','Alekseev','Lebedev','Semenov','Egorov','Pavlov','Kozlov','Stepanov','Nikolaev','Orlov','Andreev','Makarov','Nikitin','Zakharov','Zaitsev','Soloviev','Borisov','Yakovlev','Grigoriev','Romanov','Vorobiev','Sergeev','Kuzmin','Frolov','Aleksandrov','Dmitriev','Korolev','Gusev','Kiselev']),
 'tr': (['Mehmet','Mustafa','Ahmet','Ali','Hüseyin','Hasan','İbrahim','Murat','Emre','Can','Ayşe','Fatma','Emine','Hatice','Zeynep','Elif','Merve','Özlem'],
        ['Yılmaz','Kaya','Demir','Şahin','Çelik','Yıldız','Yıldırım','Öztürk','Aydın','Özdemir','Arslan','Doğan','Kılıç','Aslan','Çetin','Kara','Koç','Kurt','Özkan','Şimşek']),
 'pl': (['Piotr','Krzysztof','Andrzej','Tomasz','Paweł','Marcin','Michał','Grzegorz','Anna','Katarzyna','Małgorzata','Agnieszka','Barbara','Ewa','Magdalena','Joanna'],
        ['Nowak','Kowalski','Wiśniewski','Wójcik','Kowalczyk','Kamiński','Lewandowski','Zieliński','Szymański','Woźniak','Dąbrowski','Kozłowski','Jankowski','Mazur','Kwiatkowski','Krawczyk','Piotrowski','Grabowski','Nowakowski','Pawłowski']),
}
RUALT = {'Sergei':['Sergey','Sergej'],'Alexei':['Alexey','Aleksei','Alexej'],'Dmitri':['Dmitry','Dmitrij'],'Andrei':['Andrey','Andrej'],'Yuri':['Yury','Juri'],'Nikolai':['Nikolay','Nikolaj'],'Yekaterina':['Ekaterina','Jekaterina'],'Natalia':['Natalya','Natalja'],'Tatiana':['Tatyana','Tatjana'],'Olga':['Olga'],'Elena':['Yelena','Jelena']}
RUSUR = lambda s: [s, s.replace('v','w') if s.endswith('v') else s, s.replace('ev','yev') if s.endswith('ev') else s]
STREETS = ['Hauptstraße','Bahnhofstraße','Gartenstraße','Schulstraße','Dorfstraße','Bergstraße','Lindenstraße','Kirchstraße','Waldstraße','Ringstraße','Am Markt','Lindenweg','Rosenweg','Goethestraße','Schillerstraße','Friedrichstraße','Kantstraße','Mozartstraße']
CITIES = [('10115','Berlin'),('20095','Hamburg'),('80331','München'),('50667','Köln'),('60311','Frankfurt am Main'),('70173','Stuttgart'),('40213','Düsseldorf'),('04109','Leipzig'),('44135','Dortmund'),('45127','Essen'),('28195','Bremen'),('01067','Dresden'),('30159','Hannover'),('90402','Nürnberg')]
FORMS = ['GmbH','GmbH','GmbH','AG','UG (haftungsbeschränkt)','GmbH & Co. KG','KG','e.K.','OHG']
WORDS = ['Bau','Logistik','Handel','Immobilien','Consulting','Technik','Service','Maschinenbau','Elektro','Transporte','Invest','Holding','Software','Medien','Energie','Automobile','Gastronomie','Reinigung','Sicherheit','Textil']
UML = str.maketrans({'ä':'ae','ö':'oe','ü':'ue','ß':'ss','Ä':'Ae','Ö':'Oe','Ü':'Ue'})
def plain(s):  # payment style: umlauts replaced, Turkish/Polish letters stripped
    import unicodedata
    s = s.translate(UML)
    return ''.join(c for c in unicodedata.normalize('NFKD', s) if not unicodedata.combining(c)).replace('ı','i').replace('ł','l').replace('Ł','L')
def typo(s):
    if len(s) < 4: return s
    i = r.randrange(1, len(s)-1); k = r.random()
    if k < 0.33: return s[:i] + s[i+1:]
    if k < 0.66: return s[:i] + s[i+1] + s[i] + s[i+2:]
    return s[:i] + r.choice('aeinrst') + s[i+1:]
def dob(): return (r.randint(1940, 2003), r.randint(1,12), r.randint(1,28))
def phone(): return '15%d%07d' % (r.randint(1,9), r.randint(0,9999999))
def fmt_phone(p):
    return r.choice(['+49 %s %s' % (p[:3], p[3:]), '0%s %s' % (p[:3], p[3:]), '0%s/%s' % (p[:3], p[3:]), '+49%s' % p, '0049 %s-%s' % (p[:3], p[3:])])
def iban(): return 'DE%02d%018d' % (r.randint(10,99), r.randrange(10**18))
people, companies, truth, negs = [], [], [], []
def person(origin=None):
    o = origin or r.choices(['de','ru','tr','pl'], [60,15,15,10])[0]
    g, s = G[o]
    p = dict(id='P%05d' % len(people), origin=o, given=r.choice(g), surname=r.choice(s), dob=dob(), street=r.choice(STREETS), no=str(r.randint(1,180)) + r.choice(['','','','a','b']),
             city=r.choice(CITIES), phone=phone(), tax='%011d' % r.randrange(10**10, 10**11), passport=''.join(r.choice('CFGHJKLMNPRTVWXYZ0123456789') for _ in range(9)), iban=iban(), suffix='')
    if o == 'ru' and p['surname'][-1] in 'v' and r.random() < 0.5 and p['given'] in ('Elena','Olga','Natalia','Irina','Svetlana','Tatiana','Yekaterina','Anastasia'): p['surname'] += 'a'
    people.append(p); return p
for _ in range(N): person()
# hard negatives: namesakes, juniors
for _ in range(N // 20):
    a = r.choice(people); b = person(a['origin']); b['given'], b['surname'] = a['given'], a['surname']; negs.append((a['id'], b['id'], 'namesake'))
for _ in range(N // 30):
    a = r.choice([p for p in people if p['dob'][0] < 1970]); b = person(a['origin']); b['given'], b['surname'] = a['given'], a['surname']
    b['street'], b['no'], b['city'], b['phone'] = a['street'], a['no'], a['city'], a['phone']; b['dob'] = (a['dob'][0] + r.randint(22, 33), r.randint(1,12), r.randint(1,28)); b['suffix'] = 'jun.'; negs.append((a['id'], b['id'], 'junior'))
def company(base=None):
    c = dict(id='C%05d' % len(companies), hrb='HRB %d' % r.randint(1000, 250000), court=r.choice(['B','']), street=r.choice(STREETS), no=str(r.randint(1,200)), city=r.choice(CITIES),
             ust='DE%09d' % r.randrange(10**8, 10**9), iban=iban(), officers=r.sample(people, r.choice([1,1,1,2])))
    if base:
        c['name'], c['form'] = base['name'] + ' Verwaltungs', 'GmbH'; c['street'], c['no'], c['city'], c['officers'] = base['street'], base['no'], base['city'], base['officers']
    else:
        c['name'] = r.choice([c['officers'][0]['surname'] + ' ' + r.choice(WORDS), r.choice(WORDS) + ' ' + r.choice(['Nord','Süd','West','Ost','Rhein','Main','Elbe','Alpen']), plain(c['officers'][0]['surname']) + ' & ' + r.choice(people)['surname']])
        c['form'] = r.choice(FORMS)
    companies.append(c); return c
for _ in range(N // 3): company()
for c in list(companies):
    if c['form'] == 'GmbH & Co. KG' and r.random() < 0.6: negs.append((c['id'], company(c)['id'], 'near_company'))
def pname(p):
    g, s = p['given'], p['surname']
    if p['origin'] == 'ru' and r.random() < 0.4: g = r.choice(RUALT.get(g, [g])); s = r.choice(RUSUR(s))
    if r.random() < 0.08: g = typo(g)
    if r.random() < 0.08: s = typo(s)
    return g, s
cname = lambda c: c['name'] + ' ' + c['form']
def german_date(d): return '%02d.%02d.%04d' % (d[2], d[1], d[0])
# 1. bank customers
rows = []
def T(src, rid, ent): truth.append((src, rid, ent))
k = 0
for p in people:
    if r.random() > 0.7: continue
    for dup in range(1 if r.random() > 0.12 else 2):
        k += 1; g, s = pname(p); d = p['dob']
        if dup and r.random() < 0.3: d = (d[0], d[2], d[1]) if d[2] <= 12 else d
        sur = s + (' jun.' if p['suffix'] and r.random() < 0.5 else '')
        rows.append({'Kundennummer': 'K%06d' % k, 'Kundentyp': 'P', 'Anrede': r.choice(['Herr','Frau','']), 'Vorname': g, 'Nachname': sur, 'Firma': '', 'Geburtsdatum': german_date(d) if r.random() > 0.05 else '',
                     'Strasse': '%s %s' % (p['street'] if r.random() > 0.3 else p['street'].replace('straße','str.'), p['no']), 'PLZ': p['city'][0], 'Ort': p['city'][1], 'Telefon': fmt_phone(p['phone']) if r.random() > 0.2 else '',
                     'Steuer_ID': p['tax'] if r.random() > 0.4 else '', 'Staatsangehoerigkeit': {'de':'deutsch','ru':'russisch','tr':'türkisch','pl':'polnisch'}[p['origin']], 'IBAN': p['iban']})
        T('bank', 'K%06d' % k, p['id'])
for c in companies:
    if r.random() > 0.5: continue
    k += 1
    rows.append({'Kundennummer': 'K%06d' % k, 'Kundentyp': 'F', 'Anrede': '', 'Vorname': '', 'Nachname': '', 'Firma': cname(c) if r.random() > 0.2 else cname(c).replace('GmbH & Co. KG', 'GmbH & Co KG').replace('haftungsbeschränkt','haftungsbeschraenkt'), 'Geburtsdatum': '',
                 'Strasse': '%s %s' % (c['street'], c['no']), 'PLZ': c['city'][0], 'Ort': c['city'][1], 'Telefon': '', 'Steuer_ID': c['ust'] if r.random() > 0.3 else '', 'Staatsangehoerigkeit': 'deutsch', 'IBAN': c['iban']})
    T('bank', 'K%06d' % k, c['id'])
r.shuffle(rows)
with open(out + '/kunden.csv', 'w', encoding='utf-8-sig', newline='') as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), delimiter=';'); w.writeheader(); w.writerows(rows)
# 2. Handelsregister, officers as "Nachname, Vorname, Ort, *TT.MM.JJJJ"
rows = []
for i, c in enumerate(companies):
    gf = '; '.join('%s, %s, %s, *%s' % (o['surname'], o['given'], o['city'][1], german_date(o['dob'])) for o in c['officers'])
    rows.append({'registernummer': c['hrb'] + (' ' + c['court'] if c['court'] else ''), 'firma': cname(c), 'sitz': c['city'][1], 'anschrift': '%s %s, %s %s' % (c['street'], c['no'], c['city'][0], c['city'][1]), 'geschaeftsfuehrer': gf, 'id': 'HR%05d' % i})
    T('register', 'HR%05d' % i, c['id'])
with open(out + '/handelsregister.csv', 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
# 3. EU-style list (JSON array)
lst = []
for p in r.sample(people, N // 12):
    names = []
    for j in range(r.choice([1,2,3])):
        g, s = pname(p)
        names.append({'wholeName': '%s %s' % (g, s) if r.random() > 0.3 else '%s %s' % (s.upper(), g), 'firstName': g, 'lastName': s})
    bd = [{'birthdate': '%04d-%02d-%02d' % p['dob']}] + ([{'birthdate': '', 'year': p['dob'][0] + r.choice([-1, 1])}] if r.random() < 0.3 else [])
    ids = [{'identificationTypeCode': 'passport', 'number': p['passport']}] if r.random() < 0.6 else []
    if r.random() < 0.3: ids.append({'identificationTypeCode': 'tax', 'number': p['tax']})
    e = {'logicalId': 'EU%05d' % len(lst), 'subjectType': {'code': 'person'}, 'nameAlias': names, 'birthdate': bd, 'identification': ids, 'citizenship': [{'countryIso2Code': {'de':'DE','ru':'RU','tr':'TR','pl':'PL'}[p['origin']]}]}
    lst.append(e); T('eulist', e['logicalId'], p['id'])
for c in r.sample(companies, len(companies) // 15):
    e = {'logicalId': 'EU%05d' % len(lst), 'subjectType': {'code': 'enterprise'}, 'nameAlias': [{'wholeName': cname(c).upper() if r.random() < 0.5 else cname(c)}], 'birthdate': [], 'identification': [{'identificationTypeCode': 'regnumber', 'number': c['hrb']}] if r.random() < 0.5 else [], 'citizenship': [{'countryIso2Code': 'DE'}]}
    lst.append(e); T('eulist', e['logicalId'], c['id'])
r.shuffle(lst)
json.dump(lst, open(out + '/eu_list.json', 'w'), ensure_ascii=False, indent=1)
# 4. SEPA payments: debtor and creditor, names as banks write them (<= 70 chars)
rows = []
parties = [('p', p) for p in people] + [('c', c) for c in companies]
for i in range(N):
    def party():
        t, x = r.choice(parties)
        if t == 'p':
            g, s = pname(x); n = r.choice(['%s %s' % (g, s), '%s, %s' % (s, g), plain('%s %s' % (g, s)).upper(), plain('%s %s' % (s, g)).upper()])
        else:
            n = r.choice([cname(x), plain(cname(x)).upper(), cname(x).replace(' & Co. KG', ' & Co KG')])
        return n[:70], x['iban'], x['id']
    d, c = party(), party()
    rows.append({'EndToEndId': 'E2E%06d' % i, 'Dbtr_Nm': d[0], 'Dbtr_IBAN': d[1], 'Cdtr_Nm': c[0], 'Cdtr_IBAN': c[1], 'Betrag': '%.2f' % r.uniform(10, 50000), 'Datum': '2026-%02d-%02d' % (r.randint(1,11), r.randint(1,28))})
    T('sepa.debtor', 'E2E%06d' % i, d[2]); T('sepa.creditor', 'E2E%06d' % i, c[2])
with open(out + '/sepa.csv', 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
with open(out + '/truth.csv', 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['source', 'record_id', 'entity_id']); w.writerows(truth)
with open(out + '/neg.csv', 'w', newline='') as f:
    w = csv.writer(f); w.writerow(['a', 'b', 'kind']); w.writerows(negs)
print(len(truth), 'records')
