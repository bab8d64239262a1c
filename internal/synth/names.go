package synth

import "strings"

// Name pools. Every name here is common; every combination is invented.
var (
	hispanicGivenM = []string{"Juan", "José", "Luis", "Carlos", "Jorge", "Pedro", "Miguel", "Alejandro", "Francisco", "Rafael",
		"Fernando", "Ricardo", "Eduardo", "Roberto", "Andrés", "Diego", "Manuel", "Antonio", "Javier", "Gabriel", "Hugo", "Felipe"}
	hispanicGivenF = []string{"María", "Ana", "Carmen", "Rosa", "Lucía", "Laura", "Isabel", "Elena", "Patricia", "Gabriela",
		"Daniela", "Valentina", "Andrea", "Sofía", "Mercedes", "Teresa", "Beatriz", "Claudia", "Paula", "Adriana"}
	hispanicSurnames = []string{"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
		"Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Álvarez", "Muñoz", "Romero", "Alonso", "Gutiérrez", "Navarro",
		"Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco", "Suárez", "Molina", "Morales", "Ortega",
		"Delgado", "Castro", "Ortiz", "Rubio", "Marín", "Sanz", "Núñez", "Iglesias", "Medina", "Garrido", "Cortés", "Castillo",
		"Santos", "Lozano", "Guerrero", "Cano", "Prieto", "Méndez", "Cruz", "Calvo", "Gallego", "Vidal", "León", "Márquez",
		"Herrera", "Peña", "Flores", "Cabrera", "Campos", "Vega", "Fuentes", "Carrasco", "Diez", "Caballero", "Reyes", "Nieto",
		"Aguilar", "Pascual", "Santana", "Herrero", "Lorenzo", "Montero", "Hidalgo", "Giménez", "Ibáñez", "Ferrer", "Durán"}
	englishGivenM = []string{"John", "James", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
		"Christopher", "Daniel", "Matthew", "Anthony", "Andrew", "Steven", "Kenneth", "Edward", "Peter", "Samuel"}
	englishGivenF = []string{"Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
		"Karen", "Nancy", "Margaret", "Lisa", "Betty", "Dorothy", "Sandra", "Ashley", "Kimberly", "Emily", "Rebecca"}
	englishSurnames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
		"Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
		"Walker", "Young", "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell",
		"Roberts", "Turner", "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart", "Morris", "Murphy"}
)

// scriptName is a name in its own script and its usual Latin spellings.
type scriptName struct {
	native string
	latin  []string
}

var (
	arabicGiven = []scriptName{
		{"محمد", []string{"Muhammad", "Mohammed", "Mohamed", "Mohammad"}}, {"أحمد", []string{"Ahmad", "Ahmed"}},
		{"علي", []string{"Ali"}}, {"عمر", []string{"Umar", "Omar"}}, {"حسن", []string{"Hasan", "Hassan"}},
		{"خالد", []string{"Khalid", "Khaled"}}, {"يوسف", []string{"Yusuf", "Youssef"}}, {"فاطمة", []string{"Fatima", "Fatma"}},
		{"مريم", []string{"Maryam", "Mariam"}}, {"سعيد", []string{"Said", "Saeed"}}, {"طارق", []string{"Tariq", "Tarek"}},
		{"سمير", []string{"Samir", "Sameer"}}, {"نبيل", []string{"Nabil", "Nabeel"}}, {"ياسر", []string{"Yasir", "Yasser"}},
	}
	arabicFamily = []scriptName{
		{"الحداد", []string{"Al Haddad", "Al-Haddad", "Haddad"}}, {"خوري", []string{"Khoury", "Khouri"}},
		{"منصور", []string{"Mansur", "Mansour"}}, {"الأسد", []string{"Al Asad", "Al-Assad"}}, {"حميد", []string{"Hamid", "Hameed"}},
		{"نصر", []string{"Nasr", "Nasser"}}, {"عباس", []string{"Abbas"}}, {"قاسم", []string{"Qasim", "Kassem"}},
		{"صالح", []string{"Salih", "Saleh"}}, {"رشيد", []string{"Rashid", "Rasheed"}}, {"شريف", []string{"Sharif", "Sherif"}},
	}
	russianGiven = []scriptName{
		{"Владимир", []string{"Vladimir", "Wladimir"}}, {"Сергей", []string{"Sergei", "Sergey"}}, {"Алексей", []string{"Alexei", "Aleksei"}},
		{"Дмитрий", []string{"Dmitri", "Dmitry"}}, {"Николай", []string{"Nikolai", "Nikolay"}}, {"Ольга", []string{"Olga"}},
		{"Наталья", []string{"Natalia", "Natalya"}}, {"Татьяна", []string{"Tatiana", "Tatyana"}}, {"Ирина", []string{"Irina"}},
		{"Михаил", []string{"Mikhail", "Michail"}}, {"Андрей", []string{"Andrei", "Andrey"}}, {"Елена", []string{"Elena", "Yelena"}},
	}
	russianFamily = []scriptName{
		{"Смирнов", []string{"Smirnov", "Smirnow"}}, {"Иванов", []string{"Ivanov", "Iwanow"}}, {"Кузнецов", []string{"Kuznetsov", "Kusnezow"}},
		{"Попов", []string{"Popov", "Popow"}}, {"Соколов", []string{"Sokolov"}}, {"Лебедев", []string{"Lebedev"}},
		{"Козлов", []string{"Kozlov"}}, {"Новиков", []string{"Novikov"}}, {"Морозов", []string{"Morozov"}}, {"Волков", []string{"Volkov"}},
	}
	nicknames = map[string]string{"Alejandro": "Alex", "Francisco": "Pancho", "José": "Pepe", "William": "Bill", "Robert": "Bob",
		"Richard": "Rick", "James": "Jim", "Michael": "Mike", "Elizabeth": "Liz", "Margaret": "Peggy", "Thomas": "Tom",
		"Joseph": "Joe", "Charles": "Charlie", "Edward": "Ed", "Daniel": "Dan", "Samuel": "Sam", "Rebecca": "Becky",
		"Manuel": "Manolo", "Eduardo": "Lalo", "Roberto": "Beto", "Rafael": "Rafa", "Peter": "Pete", "Susan": "Sue"}
	streets     = []string{"Libertador", "Bolívar", "Sucre", "Miranda", "Urdaneta", "Los Mangos", "La Paz", "Real", "Mayor", "Principal", "Oak", "Maple", "High", "Church", "Station", "Victoria", "Park", "Mill"}
	streetTypes = [][2]string{{"Avenida", "Av."}, {"Calle", "C/"}, {"Street", "St"}, {"Road", "Rd"}, {"Avenue", "Ave"}}
	cities      = []string{"Caracas", "Maracaibo", "Valencia", "Barquisimeto", "Mérida", "Bogotá", "Madrid", "London", "Leeds", "Bristol"}
	// Syllables that make the long tail of surnames and towns.
	tailStart = []string{"Al", "Bar", "Bel", "Cal", "Car", "Cas", "Cor", "Dal", "Es", "Fer", "Gal", "Gar", "Her", "Ir", "Lar",
		"Lo", "Mal", "Man", "Mar", "Mon", "Nav", "Or", "Pal", "Par", "Quin", "Ros", "Sal", "San", "Sar", "Tor", "Val", "Var", "Vil", "Zam",
		"Ash", "Black", "Brad", "Brook", "Craw", "Fair", "Hal", "Hart", "Kings", "Mar", "North", "Ox", "Ray", "Red", "Stan", "Thorn", "Wes", "Wood"}
	tailEnd = []string{"ado", "aga", "ales", "ano", "ara", "ares", "ayo", "azar", "dero", "doza", "ejo", "era", "illa", "ino", "ista",
		"lobos", "mora", "nares", "oro", "ova", "quez", "rero", "riga", "teros", "uela", "ueza", "verde", "zón",
		"bury", "by", "field", "ford", "ham", "ley", "more", "ridge", "stone", "ton", "well", "wick", "worth", "wood"}
	townPrefix = []string{"San", "Santa", "Puerto", "Villa", "Nueva", "El", "La", "Los", "Upper", "Lower", "North", "South", "Great", "Little", "Port", "Mount"}
	townRoot   = []string{"Cruz", "Rosa", "Luz", "Esperanza", "Victoria", "Paz", "Mar", "Sol", "Cabello", "Ayacucho", "Guayana", "Ordaz",
		"Barinas", "Coro", "Tucupita", "Carora", "Tocuyo", "Acarigua", "Cumaná", "Anaco", "Ashford", "Bramley", "Cranford", "Dunmore",
		"Elmstead", "Fenwick", "Glenmore", "Hatfield", "Kirkby", "Langley", "Milton", "Norbury", "Oakham", "Penrith", "Radley", "Selby"}
	orgWords   = []string{"Inversiones", "Constructora", "Comercializadora", "Servicios", "Global", "Andina", "Norte", "Atlántico", "Petro", "Agro", "Transportes", "Holdings", "Trading", "Capital", "Logística", "Minera", "Pacific", "Industrial"}
	legalForms = [][]string{{"C.A.", "CA", "Compañía Anónima"}, {"S.A.", "SA", "Sociedad Anónima"}, {"S.R.L.", "SRL"}, {"Ltd", "Limited", "Ltd."}, {"LLC", "L.L.C."}, {"S.A.S.", "SAS"}}
)

// Pools of the heterogeneous mode.
var (
	// compoundArabic are given names of two words that form one name.
	compoundArabic = []scriptName{
		{"عبد الرحمن", []string{"Abd al-Rahman", "Abdul Rahman", "Abdulrahman", "Abdel Rahman"}},
		{"عبد الله", []string{"Abdullah", "Abd Allah", "Abdallah"}},
		{"عبد العزيز", []string{"Abd al-Aziz", "Abdul Aziz", "Abdulaziz"}},
		{"عبد الكريم", []string{"Abd al-Karim", "Abdul Karim", "Abdelkarim"}},
	}
	chineseFamily = []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu"}
	chineseGiven  = []string{"Wei", "Fang", "Na", "Xiu-ying", "Min", "Jing", "Lei", "Jun", "Yong", "Jie", "Tao", "Ming", "Chao",
		"Xiao-ming", "Hui", "Ling", "Hai-yan", "Guo-qiang"}
	koreanFamily = []string{"Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"}
	koreanGiven  = []string{"Min-jun", "Seo-yeon", "Ji-hoon", "Ha-eun", "Do-yun", "Ji-woo", "Seo-jun", "Su-bin", "Hyun-woo",
		"Ye-jin", "Eun-ji", "Sung-min"}
)

// Long tails. Most people carry none of a population's commonest names:
// half of the Russian and Arabic family names, and half of the Chinese and
// Korean given names, are made of syllables, as half of the Hispanic and
// English surnames are (gen.surname). Without them every Russian or Arabic
// name in a set of thousands would be shared by several people, and a
// name alone could link none of them.
var (
	russianStems = []string{"Bel", "Vorob", "Gorb", "Kras", "Lis", "Medved", "Orl", "Pavl", "Roman", "Sav", "Taras",
		"Fedot", "Zhuk", "Grom", "Dub", "Kisel", "Sor", "Chern", "Shcherb", "Yegor", "Zhdan", "Bog", "Mal", "Step"}
	russianEnds = [][2]string{{"ov", "ow"}, {"ev", "ew"}, {"in", "in"}, {"enko", "enko"}, {"sky", "ski"}}
	arabicStart = []string{"Bar", "Dah", "Fakh", "Ghaz", "Jab", "Kat", "Mah", "Nakh", "Qar", "Rah", "Sab", "Tah",
		"Wah", "Zah", "Shah", "Bad", "Hal", "Mus"}
	arabicEnd    = []string{"ani", "awi", "iri", "uri", "ami", "ash", "un"}
	chineseStart = []string{"Xiao", "Jian", "Wei", "Hong", "Yu", "Zhi", "Hai", "Guo", "Chun", "Mei", "Qing", "Xin", "Yan", "Jia", "Shu"}
	chineseEnd   = []string{"ming", "hua", "ping", "ling", "jun", "qiang", "yan", "hui", "feng", "lan", "yi", "bo"}
	koreanStart  = []string{"Min", "Seo", "Ji", "Ha", "Do", "Hyun", "Ye", "Eun", "Sung", "Jae", "Young", "Dong", "Soo", "Hye"}
	koreanEnd    = []string{"jun", "yeon", "hoon", "eun", "yun", "woo", "bin", "jin", "ho", "seok", "ah", "kyung"}
)

// russianTail makes a Russian family name and its German-style spelling.
func (g *gen) russianTail() scriptName {
	stem, end := g.pick(russianStems), russianEnds[g.r.IntN(len(russianEnds))]
	return scriptName{latin: []string{stem + end[0], stem + end[1]}}
}

// arabicTail makes an Arabic family name: with its article written two
// ways half of the time, else with its vowels spelt two ways.
func (g *gen) arabicTail() scriptName {
	root := g.pick(arabicStart) + g.pick(arabicEnd)
	if g.r.IntN(2) == 0 {
		return scriptName{latin: []string{"Al " + root, "Al-" + root}}
	}
	return scriptName{latin: []string{root, strings.Replace(root, "u", "ou", 1)}}
}

// eastAsianGiven makes a two-syllable given name, hyphenated.
func (g *gen) eastAsianGiven(korean bool) string {
	if korean {
		return g.pick(koreanStart) + "-" + g.pick(koreanEnd)
	}
	return g.pick(chineseStart) + "-" + g.pick(chineseEnd)
}
