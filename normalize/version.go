package normalize

// Version numbers the behaviour of the normalisers: it is raised whenever
// a value of some kind normalises otherwise than it did (a legal form read
// as another, a name's words kept or dropped, a new level's facet). A
// model records the version that read the values it was trained on, and
// a store keeps values so read: records normalised by another version may
// not agree with this one's on values that are one (OOO and LLC), nor
// share their blocking keys. testdata/version.tsv holds what each case of
// testdata/cases.tsv gave at this version; TestVersion fails when one
// reads otherwise and the version was not raised.
const Version = 60
